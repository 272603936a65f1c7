/** How a Graph call failed, as observed; the public code is decided only in the GraphQL layer. */
export type GraphFailureKind =
  | 'http' // Graph answered with a non-2xx status
  | 'network' // connection refused, reset or closed before an answer
  | 'timeout' // the attempt timed out: Graph did not answer in time
  | 'deadline' // the request's own deadline passed, or its caller left: not Graph's fault
  | 'unreadable' // a 2xx answer the gateway cannot read
  | 'unavailable' // the gateway refused to call (circuit open, too many calls in flight)
  | 'paused'; // the gateway held the call: Graph throttles its scope until less than 250 ms of the request's deadline would be left

export interface GraphFailure {
  kind: GraphFailureKind;
  message: string;
  /**
   * Graph may have acted on the request: the whole request was sent and no answer that says otherwise came
   * back (a lost answer or connection, a timeout, a 5xx other than 503, an unreadable 2xx), in this attempt or
   * an earlier one. Set where it is known: by the attempt (transport/attempt-step.ts), carried over attempts by
   * the retry step; false for a call the gateway never sent or Graph refused.
   */
  mayHaveLanded: boolean;
  status?: number;
  graphCode?: string;
  requestId?: string;
  clientRequestId?: string;
  retryAfterSeconds?: number;
  /** On a refused create: the session that already holds the (review instance, resource) pair, when a read found it. */
  existingUploadSessionId?: string;
  /** What the call asked Graph for: what a 404 did not find, what a refusal was about. */
  subject?: GraphSubject;
  /** The Graph permission the call needs: what a 403 lacks. */
  permission?: string;
  /** A write refused for the review's phase: the phase it needs, and the instance's status when it was read. */
  phase?: { required: string; actual?: string };
  /** An answer larger than the gateway reads: what ran past which bound. */
  bound?: { what: GraphBounded; limit: number };
}

/**
 * What a Graph call is about. `resource` is a listing or create under a catalog's resource: Graph's 404 there
 * does not say whether the catalog or the resource is unknown.
 */
export type GraphSubject =
  | 'upload session'
  | 'resource'
  | 'review definitions'
  | 'review definition'
  | 'review instance'
  | 'decisions'
  | 'decision'
  | 'catalog role assignments'
  | 'group membership';

/**
 * The lists the gateway reads only so far (graph-api-reviews.md: Graph cannot filter definitions by catalog;
 * the catalog-role check's own bound, contract "Many tenants").
 */
export type GraphBounded = 'definition pages' | 'catalog definitions' | 'role assignment pages' | 'role groups';

/** The one error type the Graph client throws for a failed call: facts about it, nothing interpreted. */
export class GraphRequestError extends Error {
  constructor(readonly failure: GraphFailure) {
    super(failure.message);
    this.name = 'GraphRequestError';
  }
}

/** The request's deadline passed, or its caller left, before a Graph call could start or go on. */
export function deadlinePassed(): GraphRequestError {
  return new GraphRequestError({ kind: 'deadline', message: 'the request deadline passed or its caller left', mayHaveLanded: false });
}

/** Graph answered this HTTP status. */
export function isGraphStatus(error: unknown, status: number): error is GraphRequestError {
  return error instanceof GraphRequestError && error.failure.kind === 'http' && error.failure.status === status;
}
