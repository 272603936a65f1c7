import type { GraphQLFormattedError } from 'graphql';
import builtInManifest from '../../client/persisted-documents.json';
import { callerWentAway, type HttpAnswer } from '../../http/graphql-request';
import type { Metrics } from '../../metrics';
import { ErrorCode } from './error-code';
import type { GatewayContext, OperationReport } from './context';

/**
 * Operation names a metric label may carry: those of the persisted documents. Any other name a caller
 * invents is counted as `other`, or each invented name would add series without bound.
 */
const KNOWN_OPERATION_NAMES = new Set(
  Object.values(builtInManifest as Record<string, string>).flatMap((document) =>
    [...document.matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/g)].map((match) => match[1]!),
  ),
);

/** The developer console's page (a browser's GET of /graphql), which runs no operation. */
const CONSOLE = 'console';

/** The outcome code of an answer without errors. */
const OK = 'OK';

/** The outcome code of a refusal whose body is a stream, so its first error's code cannot be read. */
const UNKNOWN = 'UNKNOWN';

/**
 * The outcome of an operation that failed because its caller went away (a tab closed mid-upload): the file
 * cut short, Graph's call aborted. No answer reaches anyone and the gateway did nothing wrong, so it is
 * neither the error the failure would otherwise map to (INTERNAL_SERVER_ERROR, for a stream closed under its
 * reader) nor counted as one. Logs and metrics only: no response carries it. The status is nginx's 499.
 */
const CLIENT_CLOSED_REQUEST = { code: 'CLIENT_CLOSED_REQUEST', status: 499 } as const;

/** Who refused a request before any operation ran: also its operation label. */
export type RefusedBy = 'caller-refused' | 'request-refused';

/** What one request's log line and metrics say; every request, operation or refusal, is recorded once. */
export interface RequestOutcome {
  /** The operation's name or `anonymous`; for a request refused before any operation ran, what refused it. */
  operation: string;
  refused?: RefusedBy;
  /** OK, or the first error's code. */
  code: string;
  status: number;
}

/** The outcome of each way a request ends (handler.ts). */
export const requestOutcome = {
  refused: (by: RefusedBy, code: string, status: number): RequestOutcome => ({ operation: by, refused: by, code, status }),

  /** The console's page, or its 404 when it is off (counted as a refusal). */
  page: (status: number): RequestOutcome =>
    status < 400 ? { operation: CONSOLE, code: OK, status } : requestOutcome.refused('request-refused', ErrorCode.NOT_FOUND, status),

  /** Apollo's answer: the operation its plugin reported, else one Apollo refused before any plugin saw it (CSRF, a batch, a malformed request). */
  apollo: ({ status, body }: HttpAnswer, operation: OperationReport | undefined): RequestOutcome => {
    if (operation !== undefined) return { operation: operation.name, code: operation.code, status };
    if (status < 400) return { operation: CONSOLE, code: OK, status };
    return requestOutcome.refused('request-refused', typeof body === 'string' ? firstCode(body) : UNKNOWN, status);
  },
};

/**
 * The one log line per request (every Graph attempt it made is in it, so `info` needs no per-call lines),
 * the operation counters and duration, and the end of its span. Called once per request, by the handler.
 */
export function recordOutcome(metrics: Metrics, context: GatewayContext, outcome: RequestOutcome): void {
  const { operation, refused } = outcome;
  const { code, status } = outcome.code !== OK && callerWentAway(context.call.signal) ? CLIENT_CLOSED_REQUEST : outcome;
  const label = refused ?? (KNOWN_OPERATION_NAMES.has(operation) || operation === 'anonymous' || operation === CONSOLE ? operation : 'other');
  const seconds = (performance.now() - context.outcome.started) / 1000;
  metrics.operations.inc({ operation: label, code });
  metrics.operationDuration.observe({ operation: label }, seconds);
  const { call } = context;
  const graph = call.attempts;
  const retries = graph?.reduce((count, attempt) => count + (attempt.attempt > 0 ? 1 : 0), 0) ?? 0;
  const durationMs = Math.round(seconds * 10_000) / 10;
  call.log.info({ operation, code, status, durationMs, graph, retries, traceId: call.trace?.traceId }, refused ? 'GraphQL request refused' : operation === CONSOLE ? 'GraphQL console page' : 'GraphQL operation');
  call.trace?.end(operation, code);
}

/** The outcome code of an answer: OK, or its first error's code. */
export function outcomeCode(errors: readonly GraphQLFormattedError[] | undefined): string {
  return String(errors?.[0]?.extensions?.code ?? OK);
}

function firstCode(body: string): string {
  try {
    return outcomeCode((JSON.parse(body) as { errors?: GraphQLFormattedError[] }).errors);
  } catch {
    return UNKNOWN;
  }
}
