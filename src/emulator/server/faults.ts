import { randomUUID } from 'node:crypto';

/**
 * A scripted fault, our "Dev Proxy": what the emulator does instead of (or on top of) answering.
 * Frontend developers use it to see their UI under throttling; the tests use it for every fault class.
 */
export interface FaultSpec {
  /** Which requests: an HTTP method, a substring of the path (e.g. a session id); all when absent. */
  method?: string;
  path?: string;
  /** Answer with this status and Graph's error envelope, without touching the session. */
  status?: number;
  /** Graph error code for `status`; a usual one for the status when absent. */
  code?: string;
  /** Retry-After header value, sent as given (seconds, fractional seconds or an HTTP date). */
  retryAfter?: string;
  /** Wait this long before doing anything else. */
  delayMs?: number;
  /** Drop the connection: `before` the change is applied, or `after` it (the answer is lost). */
  reset?: 'before' | 'after';
  /** Apply the request, then answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /**
   * Cut the request mid-body: once more than this many body bytes arrived, answer `status` (when given)
   * or drop the connection, and apply nothing. Requests whose body the emulator does not read are unaffected.
   */
  failAfterBytes?: number;
  /** How many matching requests it hits; unlimited when absent. */
  times?: number;
  /** The fraction of matching requests it hits (0..1); all when absent. */
  probability?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** How many requests it has hit. */
  hits: number;
}

const USUAL_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'ResourceNotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class FaultInvalidError extends Error {}

/** The faults in force, first match wins. */
export class FaultPlan {
  private faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    validate(spec);
    const fault: Fault = { ...spec, id: randomUUID(), hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that hits this request, counted as hit; undefined when none does. */
  take(method: string, path: string, random: () => number = Math.random): Fault | undefined {
    for (const fault of this.faults) {
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.path && !path.includes(fault.path)) continue;
      if (fault.times !== undefined && fault.hits >= fault.times) continue;
      if (fault.probability !== undefined && random() >= fault.probability) continue;
      fault.hits++;
      return fault;
    }
    return undefined;
  }
}

export function faultCode(fault: Fault): string {
  return fault.code ?? USUAL_CODES[fault.status ?? 0] ?? 'UnknownError';
}

function validate(spec: FaultSpec): void {
  const problems: string[] = [];
  if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)) problems.push('status must be 400-599');
  if (spec.delayMs !== undefined && !(spec.delayMs >= 0 && spec.delayMs <= 600_000)) problems.push('delayMs must be 0-600000');
  if (spec.reset !== undefined && spec.reset !== 'before' && spec.reset !== 'after') problems.push('reset must be "before" or "after"');
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 1)) problems.push('times must be a whole number ≥ 1');
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) problems.push('probability must be 0-1');
  if (spec.retryAfter !== undefined && typeof spec.retryAfter !== 'string') problems.push('retryAfter must be a string');
  if (spec.failAfterBytes !== undefined && !(Number.isSafeInteger(spec.failAfterBytes) && spec.failAfterBytes >= 0)) {
    problems.push('failAfterBytes must be a whole number ≥ 0');
  }
  if (spec.status === undefined && spec.delayMs === undefined && spec.reset === undefined && !spec.malformed && spec.failAfterBytes === undefined) {
    problems.push('a fault needs one of status, delayMs, reset, malformed, failAfterBytes');
  }
  if (problems.length > 0) throw new FaultInvalidError(problems.join('; '));
}
