/**
 * The cost table from a CPU profile: every sample is charged to one stage of a request (HTTP parse,
 * body, context, auth, …) by the frames on its stack, so the stages add up to the profile. A stage is named
 * by the packages, project files or functions that do its work. Which frame decides:
 *  - a frame that *owns* its whole subtree (`owns`: the body read, the context, the trusted documents, …)
 *    takes everything beneath it, so the pino child made while building the context is the context's;
 *  - else the innermost frame that any stage names, so prom-client under the log-line function is metrics,
 *    and the socket write under undici is undici's while the one under the HTTP layer's `res.end` is node:http's.
 * Native leaves (a `writev`, a `JSON.parse`) have no file: they are charged through the frames above them.
 */

export interface Frame {
  /** groupOf(): a package, a project file (`dist/…`), a Node core module, or `(native name)`. */
  group: string;
  functionName: string;
}

interface Stage {
  name: string;
  owns?: boolean;
  groups?: (string | RegExp)[];
  functions?: { group: string | RegExp; name: string }[];
}

/** In the order of the cost table (the order of a request's life). */
export const STAGES: Stage[] = [
  { name: 'node:http: HTTP parse, headers, response write', groups: [/^node:_http_/] },
  { name: 'HTTP layer: routing, correlation id, deadline, answer write', groups: [/^dist\/http\/(server|cors)\.js$/] },
  { name: 'body: read and JSON.parse', owns: true, groups: ['dist/http/request-body.js'] },
  { name: 'context and child logger', owns: true, functions: [{ group: 'dist/graphql/edge/handler.js', name: 'newContext' }] },
  { name: 'auth: caller credential, Graph authorization', owns: true, groups: [/^dist\/auth\//, 'jose', '@azure/identity'] },
  { name: 'trusted documents', owns: true, groups: ['dist/graphql/edge/trusted-documents.js'] },
  { name: 'GraphQL layer: handler (HeaderMap, answer)', groups: ['dist/graphql/edge/handler.js', 'dist/graphql/edge/refusal.js'] },
  { name: 'Graph-call limit', owns: true, groups: ['dist/graphql/cost/graph-call-limit.js'] },
  { name: 'guard: breaker, bulkhead', groups: ['cockatiel', 'dist/graph/transport/graph-guard.js'] },
  { name: 'undici attempt', groups: ['undici', "wasm (undici's llhttp)", 'dist/graph/transport/graph-transport.js', 'dist/graph/transport/retry-policy.js'] },
  { name: 'mapping: Graph JSON → UploadSession, Graph client', groups: [/^dist\/graph\//] },
  {
    name: 'execution: graphql-js, type-graphql, resolver',
    groups: ['type-graphql', 'graphql-scalars', 'graphql', /^dist\/graphql\/upload-session\./, /^dist\/graphql\/complete-upload-session/],
  },
  { name: "serialization: Apollo's JSON of the response", owns: true, functions: [{ group: '@apollo/server', name: 'prettyJSONStringify' }] },
  {
    name: 'the log line: pino',
    groups: ['pino', 'sonic-boom', 'pino-std-serializers', 'quick-format-unescaped', 'on-exit-leak-free', '@pinojs/redact', 'fast-redact', 'dist/logger.js', 'dist/graphql/edge/operation-record.js'],
  },
  { name: 'metrics: prom-client', groups: ['prom-client', 'tdigest', 'bintrees'] },
  { name: 'tracing', groups: [/^@opentelemetry\//, 'dist/tracing.js'] },
  { name: "Apollo's pipeline: request parsing, document store, plugins, errors", groups: [/^@apollo\//, /^dist\/graphql\//] },
];

const GC = 'garbage collector (every stage’s allocations, collected on the main thread: --single-threaded-gc)';
const IDLE = '(idle)';
/** The profile starts with the process: loading modules is no request's cost. */
const START_UP = 'start-up: loading modules (once, not per request)';

function matches(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}

function stageOf(frame: Frame): Stage | undefined {
  return STAGES.find(
    (stage) =>
      stage.groups?.some((group) => matches(group, frame.group)) ||
      stage.functions?.some((fn) => fn.name === frame.functionName && matches(fn.group, frame.group)),
  );
}

/**
 * The stage charged with a sample whose stack is `stack` (leaf first). Samples no stage names are charged to
 * `other: <the innermost JS frame's group>` (Node's streams, events, timers, the microtask queue).
 */
export function chargeSample(stack: Frame[]): string {
  const leaf = stack[0];
  if (leaf?.group === '(garbage collector)') return GC;
  if (leaf?.group === '(idle)') return IDLE;
  if (stack.some((frame) => frame.group === 'node:internal/modules/cjs/loader')) return START_UP;
  let innermost: Stage | undefined;
  let owner: Stage | undefined;
  for (const frame of stack) {
    const stage = stageOf(frame);
    if (!stage) continue;
    innermost ??= stage;
    if (stage.owns && !owner) owner = stage;
  }
  const charged = owner ?? innermost;
  if (charged) return charged.name;
  const firstJs = stack.find((frame) => !frame.group.startsWith('('));
  return `other: ${firstJs?.group ?? leaf?.group ?? 'unknown'}`;
}

export const STAGE_ORDER = [...STAGES.map((stage) => stage.name), GC, START_UP];
export const IDLE_STAGE = IDLE;
