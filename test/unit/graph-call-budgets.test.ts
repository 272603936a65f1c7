import { isObjectType } from 'graphql';
import { GRAPH_CALL_BUDGETS } from '../../src/graphql/cost/graph-call-budgets';
import { GRAPH_CALLS } from '../../src/graphql/cost/graph-call-limit';
import { buildGatewaySchema } from '../../src/graphql/schema/schema';

/** Every field's `graphCalls` is its row of the one budget table; the worst cases: test/integration/graph-call-budgets.test.ts. */
it('every field declares the Graph calls of its row in GRAPH_CALL_BUDGETS, and every row is a field’s', () => {
  const declared: Record<string, unknown> = {};
  for (const type of Object.values(buildGatewaySchema().getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.extensions[GRAPH_CALLS] !== undefined) declared[`${type.name}.${field.name}`] = field.extensions[GRAPH_CALLS];
    }
  }
  // `_entities` is the federation subgraph's: the limit reads its row itself (graph-call-limit.ts).
  const { 'Query._entities': _entities, ...fields } = GRAPH_CALL_BUDGETS;
  expect(_entities).toBeGreaterThan(0);
  expect(declared).toEqual(fields);
});
