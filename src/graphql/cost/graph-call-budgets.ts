import { MAX_CATALOG_DEFINITIONS, MAX_DEFINITION_PAGES } from '../../graph/access-reviews/review-client';

/**
 * How many Graph calls each operation and field may make, by schema coordinate: the one place these numbers
 * are written. The resolvers put them in their fields' `graphCalls` extensions, and the Graph-call limit
 * (graph-call-limit.ts, MAX_GRAPH_CALLS_PER_OPERATION) adds them up over an operation before it runs: a field
 * once per time it can be resolved, what a page's items select once per item the page may hold.
 *
 * A call is a request the Graph client decides to send. The transport's retries of one call (429, 503, 504, a
 * lost connection; at most GRAPH_MAX_RETRIES each) are not counted: they repeat a call, they add none.
 * test/integration/graph-call-budgets.test.ts drives each row's worst case (refusals, lost answers, Graph's
 * longest pages) against the emulator and fails when the calls Graph saw exceed what the row declares.
 */
export const GRAPH_CALL_BUDGETS = {
  /** One GET of the session (a 404 is null). Its `files`, when selected, are the field's own. */
  'Query.uploadSession': 1,
  /**
   * One GET of one Graph page (a cursor carries Graph's nextLink or a position, so no page is walked to reach
   * it); what each session selects counts once per session `first` allows.
   */
  'Query.uploadSessions': 1,
  /**
   * The POST; after its own ambiguous failure one lookup by referenceId (found: the answer; none: the failure
   * stands, never a second POST). A 409 is the POST and one lookup naming the session that holds the pair.
   */
  'Mutation.createUploadSession': 2,
  /** The PATCH; after a refusal or an ambiguous failure (it may have landed) one read of the session to see it done. */
  'Mutation.completeUploadSession': 2,
  /** The DELETE: a 404 is the success, so no read follows. */
  'Mutation.deleteUploadSession': 1,
  /**
   * One page of the files before the upload ($top=100, to tell a landed file from a lost one), the upload, and
   * after an ambiguous failure one read of the session with its files (not made when the page was not all of them).
   */
  'Mutation.uploadSessionFile': 3,
  /** Only when the session's answer did not carry its files: one GET of the session with `$expand=files`. */
  'CustomDataProvidedResourceUploadSession.files': 1,
  /**
   * Graph cannot filter definitions by catalog: their pages (at most MAX_DEFINITION_PAGES), one read of
   * instances per catalog definition (at most MAX_CATALOG_DEFINITIONS), and one read of the resource's
   * sessions that the whole page shares (for `uploadSession` and `needsUpload`).
   */
  'Query.accessReviews': MAX_DEFINITION_PAGES + MAX_CATALOG_DEFINITIONS + 1,
  /** The review checks (the definition is the catalog's, the instance the definition's), then one page of decisions. */
  'Query.accessReviewDecisions': 3,
  /**
   * The review checks and the batch apply; after a refusal or an ambiguous failure, the instance's phase and two
   * counts of the resource's decisions (all of them, and those carrying the result).
   */
  'Mutation.applyAccessReviewDecisions': 6,
  /**
   * The review checks, the decision (it must be the resource's), the PATCH, and the decision again: after a 204,
   * or after a refusal or an ambiguous failure once the instance's phase is read (then the 204's read is not made).
   */
  'Mutation.recordAccessReviewDecisionApplied': 6,
  /**
   * Federation's entity lookup: one read per distinct session a router names (the request's session loader
   * shares repeated ones), plus what each selects.
   */
  'Query._entities': 1,
  /**
   * Subscribing calls no Graph: the events come from the watcher, which reads Graph on its own schedule with the
   * gateway's identity (one accessReviews listing per watched resource and interval), whoever listens.
   */
  'Subscription.accessReviewEvents': 0,
} as const satisfies Record<string, number>;
