import { randomUUID } from 'node:crypto';
import { parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { request } from 'undici';
import type { LoggedRequest } from '../../src/emulator/server/emulator-request';
import type { FaultSpec } from '../../src/emulator/server/faults';
import { countGraphCalls } from '../../src/graphql/cost/graph-call-limit';
import { postGraphQL, type GraphQLAnswer, type TestGateway } from './gateway';

/**
 * What the Graph-call budget test (test/integration/graph-call-budgets.test.ts) needs: the emulator's control
 * API over HTTP, as a developer scripts it, and one operation measured against what it declares.
 */

/** The transport's retries per call in these runs: they repeat a call, so they are counted apart from calls. */
export const MAX_RETRIES = 2;

export const BUDGET_ENV = {
  GRAPH_MAX_RETRIES: String(MAX_RETRIES),
  GRAPH_RETRY_BASE_MS: '1',
  GRAPH_RETRY_MAX_MS: '5',
  // A run of injected failures is not an outage: the breaker stays closed.
  GRAPH_BREAKER_FAILURES: '1000',
  // Declared counts above the default limit (a page of 20 sessions with their files) must still run to be measured.
  MAX_GRAPH_CALLS_PER_OPERATION: '1000',
  LOG_LEVEL: 'warn',
};

/** A call to the emulator's control API (`/_emulator/…`); its JSON answer, if any. */
export async function control(t: TestGateway, method: string, path: string, json?: unknown): Promise<Record<string, unknown>> {
  const response = await request(new URL(path, t.emulatorUrl), {
    method,
    headers: { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`the emulator refused ${method} ${path}: ${response.statusCode} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export const fault = (t: TestGateway, spec: FaultSpec) => control(t, 'POST', '/_emulator/faults', spec);

/** A session of a resource of its own with `count` files (its catalog and resource registered with it). */
export async function sessionWithFiles(t: TestGateway, count: number, catalogId: string = randomUUID()) {
  const files = Array.from({ length: count }, (_file, index) => ({ name: `file-${index}.csv`, size: 100 + index }));
  const session = await control(t, 'POST', '/_emulator/sessions', { catalogId, resourceId: randomUUID(), files });
  return { catalogId, resourceId: session.resourceId as string, uploadSessionId: session.uploadSessionId as string };
}

export interface Measured {
  /** Graph calls: requests that were not a retry of another (no `Retry-Attempt`). */
  calls: number;
  /** Every request Graph saw, retries included. */
  attempts: number;
  /** What the operation declares to the Graph-call limit, counted as the limit counts it. */
  declared: number;
  /** The requests a scripted fault hit. */
  faulted: number;
  answer: GraphQLAnswer;
}

/** What `query` declares with these variables: the Graph-call limit's own count over `schema`. */
export function declaredCalls(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition')!;
  const declared = countGraphCalls(schema, document, operation, variables);
  if (declared === undefined) throw new Error('the variables do not coerce');
  return declared;
}

/**
 * Runs one operation (`send`, by default a JSON POST of `query`) on a fresh request log and counts what Graph
 * saw of it against what `query` declares.
 */
export async function measure(
  t: TestGateway,
  schema: GraphQLSchema,
  query: string,
  variables: Record<string, unknown> = {},
  send: () => Promise<GraphQLAnswer> = () => postGraphQL(t.url, query, variables),
): Promise<Measured> {
  await control(t, 'DELETE', '/_emulator/requests');
  const answer = await send();
  const { value } = (await control(t, 'GET', '/_emulator/requests')) as { value: LoggedRequest[] };
  return {
    calls: value.filter((logged) => logged.retryAttempt === undefined).length,
    attempts: value.length,
    declared: declaredCalls(schema, query, variables),
    faulted: value.filter((logged) => logged.fault !== undefined).length,
    answer,
  };
}
