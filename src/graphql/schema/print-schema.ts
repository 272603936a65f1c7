import { writeFileSync } from 'node:fs';
import { printGatewaySchema } from './schema';
import { printSubgraph } from './subgraph-schema';

/**
 * `npm run schema:print`: writes the sorted schema to ./schema.graphql and the federation subgraph SDL
 * (what `_service { sdl }` answers with FEDERATION=true) to ./subgraph.graphql; a test fails when either drifts.
 */
writeFileSync('schema.graphql', printGatewaySchema());
writeFileSync('subgraph.graphql', printSubgraph());
process.stdout.write('wrote schema.graphql, subgraph.graphql\n');
