import { APPLY_RESULT, AccessReviewApplyResult, DECISION_VALUE, toDecision, type AccessReviewDecision, type AccessReviewDecisionValue } from './decision';
import { READ_PERMISSION, WRITE_PERMISSION, type AccessReviewClient, type ReviewKey } from './review-client';
import type { AccessReviewPaths } from './review-paths';
import { AccessReviewStatus, REVIEW_STATUS } from './review';
import { isAmbiguous, isRefusal, read } from '../transport/graph-answer';
import { GraphRequestError } from '../transport/graph-failure';
import { parseKnown } from '../odata/graph-enum';
import type { GraphCall, GraphTransport } from '../transport/graph-transport';
import { retryIdempotent } from '../transport/retry-policy';
import { ReviewScopeError } from './review-scope';
import type { Guid } from '../odata/ids';
import { record } from '../upload-sessions/upload-session';
import { bindingOf, makeCursor, readCursor, type PagePosition } from '../odata/cursor';
import { collection, type PageSize } from '../odata/paging';

/** The Graph calls each operation may make (the transport's retries aside): the two review checks, then its own. */
export const DECISION_GRAPH_CALLS = {
  /** One page of decisions. */
  list: 3,
  /** The batch apply; after a refusal or an ambiguous failure, the instance and two counts of the resource's decisions. */
  apply: 6,
  /** The decision, the PATCH, and the decision again (after a 204; after a refusal or an ambiguous failure, once the instance is read). */
  record: 6,
} as const;

export interface DecisionPageRequest {
  first: PageSize;
  after?: string;
  decision?: AccessReviewDecisionValue;
  applyResult?: AccessReviewApplyResult;
}

export interface AccessReviewDecisionPage {
  edges: { cursor: string; node: AccessReviewDecision }[];
  /** Graph's `@odata.count`, when Graph sent it and every decision it sent was this resource's. */
  totalCount?: number;
  endCursor?: string;
  hasNextPage: boolean;
}

export interface ApplyOutcome {
  applyResult: AccessReviewApplyResult;
  applyDescription?: string | null;
}

/** What a check answers when the result asked for is not on Graph. */
const NOT_LANDED: unique symbol = Symbol('not landed');

/**
 * The decisions of one resource in one review instance, and the apply results the resource's owner
 * records on them. Every operation first confirms the review is the catalog's (AccessReviewClient), and
 * a decision of another resource is never returned or written.
 */
export class AccessReviewDecisionClient {
  constructor(
    private readonly paths: AccessReviewPaths,
    private readonly transport: GraphTransport,
    private readonly reviews: AccessReviewClient,
  ) {}

  /**
   * One Graph page of the instance's decisions, filtered by Graph on decision, apply result and resource.
   * ASSUMPTION: Graph filters decisions with `resourceId eq '…'` as Microsoft's how-to writes it (no
   * reference page documents the property); decisions of other resources are dropped here all the same.
   */
  async listDecisions(key: ReviewKey, request: DecisionPageRequest, call: GraphCall): Promise<AccessReviewDecisionPage> {
    const { first, after, decision, applyResult } = request;
    const odataFilter = decisionFilter(key.resourceId, decision, applyResult);
    const ids = [key.catalogId, key.resourceId, key.reviewDefinitionId, key.reviewInstanceId].map((id) => id.toLowerCase());
    const binding = bindingOf(['decisions', ...ids, decision ?? null, applyResult ?? null]);
    const decisionsPath = this.paths.decisions(key);
    const checkLink = (link: string) => this.paths.pagingLink(link, decisionsPath, odataFilter);
    const position: PagePosition = after === undefined ? { skip: 0 } : readCursor(after, binding, checkLink);
    await this.reviews.confirmReview(key, READ_PERMISSION, call);

    const query = `?$top=${first}&$filter=${encodeURIComponent(odataFilter)}&$count=true${position.skip > 0 ? `&$skip=${position.skip}` : ''}`;
    const answer = await this.reviews.get(position.nextPath ?? decisionsPath + query, call, READ_PERMISSION, 'decisions');
    const { value, nextLink, count } = read(answer, collection);
    const all = read(answer, () => value.map(toDecision)).slice(0, first);
    const mine = all.filter((item) => item.resourceId === key.resourceId.toLowerCase());
    const end = position.skip + all.length;
    const graphNext = all.length === value.length && nextLink !== undefined && checkLink(nextLink) !== undefined ? nextLink : undefined;
    const hasNextPage = all.length < value.length || graphNext !== undefined || (count !== undefined && end < count);
    const cursorAt = (skip: number, last: boolean) => makeCursor({ skip, nextLink: last ? graphNext : undefined }, binding);
    const edges = mine.map((node) => ({ node, cursor: cursorAt(position.skip + all.indexOf(node) + 1, node === all.at(-1)) }));
    return { edges, totalCount: mine.length === all.length ? count : undefined, endCursor: all.length > 0 ? cursorAt(end, true) : undefined, hasNextPage };
  }

  /**
   * batchApplyCustomDataProvidedResourceDecisions: one result on every decision of the resource, 202.
   * Sending it twice sets the same result on the same decisions, so it is retried like a GET (a lost
   * answer, a 429). A refusal is asked once and checked (verifyAfterRefusal): the resource's decisions,
   * every one of them carrying the result, are the success.
   * The result only: Graph documents no `$filter` on `applyDescription`, and comparing it would mean reading
   * every decision, an unbounded number of pages.
   */
  async applyDecisions(key: ReviewKey, outcome: ApplyOutcome, call: GraphCall): Promise<void> {
    const json = JSON.stringify({ ...writable(outcome, APPLY_RESULT.camel), customDataProvidedResourceId: key.resourceId });
    await this.reviews.confirmReview(key, WRITE_PERMISSION, call);
    const request = { method: 'POST', path: this.paths.batchApply(key), headers: this.paths.batchApplyHeaders(), json, retryable: retryIdempotent, subject: 'review instance', permission: WRITE_PERMISSION } as const;
    await this.verifyAfterRefusal(
      key,
      call,
      async () => void (await this.transport.send(request, call)),
      async () => ((await this.everyDecisionCarries(key, outcome.applyResult, call)) ? undefined : NOT_LANDED),
    );
  }

  /**
   * PATCH of one decision's `applyResult` and `applyDescription`, as Microsoft's how-to does (the reference
   * pages call both read-only). The decision is read first: one of another resource is refused, unwritten.
   * Retried like a GET: the same PATCH twice leaves what it leaves once. A refusal is checked
   * (verifyAfterRefusal): the decision, read again, carrying both the result and the description asked for is
   * the success. Both, because the PATCH writes both: a second request that changes only the description
   * after the instance is Applied did not land, and saying it did would lose the new description.
   * ASSUMPTION: Graph answers 204 (as for the documented PATCH of a decision) or 200 with the decision;
   * after a 204 the decision is read again, so the answer is the decision as it now is.
   */
  async recordApplied(key: ReviewKey, decisionId: Guid, outcome: ApplyOutcome, call: GraphCall): Promise<AccessReviewDecision> {
    const json = JSON.stringify(writable(outcome, APPLY_RESULT.pascal));
    await this.reviews.confirmReview(key, WRITE_PERMISSION, call);
    const path = this.paths.decision(key, decisionId);
    const readDecision = async () => read(await this.reviews.get(path, call, WRITE_PERMISSION, 'decision'), toDecision);
    const before = await readDecision();
    if (before.resourceId !== key.resourceId.toLowerCase()) {
      throw new ReviewScopeError('decision');
    }
    const carries = (decision: AccessReviewDecision) =>
      decision.applyResult === outcome.applyResult && (decision.applyDescription ?? null) === (outcome.applyDescription ?? null);
    const written = await this.verifyAfterRefusal<AccessReviewDecision | undefined>(
      key,
      call,
      async () => {
        const answer = await this.transport.send({ method: 'PATCH', path, json, retryable: retryIdempotent, subject: 'decision', permission: WRITE_PERMISSION }, call);
        return answer.status !== 204 && answer.json !== undefined ? read(answer, toDecision) : undefined;
      },
      async () => {
        const now = await readDecision();
        return carries(now) ? now : NOT_LANDED;
      },
    );
    return written ?? readDecision();
  }

  /**
   * "Safe to retry" for the caller too: sends `write` and, when Graph refuses it (a 4xx about state: an
   * instance no longer Applying takes no result, whatever status Graph picks for saying so) or its outcome
   * is unknown (the transport's last attempt lost its answer), learns whether what it asked for is on Graph
   * anyway. Whichever request put it there (an attempt of this call, the caller's earlier request through
   * any replica), an instance that is APPLIED or still APPLYING and `check` finding the result are the
   * success; any other phase (an instance IN_PROGRESS), a result not found, or a read that fails leave
   * Graph's refusal standing. One read of the instance, then `check`'s own reads: bounded and declared.
   */
  private async verifyAfterRefusal<T>(key: ReviewKey, call: GraphCall, write: () => Promise<T>, check: () => Promise<T | typeof NOT_LANDED>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof GraphRequestError)) throw error;
      const { failure } = error;
      const refused = isRefusal(error);
      if (!refused && !isAmbiguous(failure)) throw error;
      const { found, status } = await this.landed(key, call, check);
      if (found !== NOT_LANDED) {
        call.log.info({ graph: { failure: failure.kind, status: failure.status, code: failure.graphCode } }, 'the apply result asked for is on Graph after a refusal or an ambiguous failure');
        return found;
      }
      // A refusal by an instance in another phase says which: the caller learns why, not only Graph's code.
      const wrongPhase = refused && status !== undefined && status !== AccessReviewStatus.APPLYING;
      throw wrongPhase ? new GraphRequestError({ ...failure, phase: { required: AccessReviewStatus.APPLYING, actual: status } }) : error;
    }
  }

  /** The instance's status, and `check` once the instance is where a result can be; a read that fails finds nothing. */
  private async landed<T>(key: ReviewKey, call: GraphCall, check: () => Promise<T | typeof NOT_LANDED>): Promise<{ found: T | typeof NOT_LANDED; status?: AccessReviewStatus }> {
    let status: AccessReviewStatus | undefined;
    try {
      status = await this.instanceStatus(key, call);
      // APPLYING, or APPLIED (which takes no more results), is where a result can be.
      const takesResults = status === AccessReviewStatus.APPLYING || status === AccessReviewStatus.APPLIED;
      return { found: takesResults ? await check() : NOT_LANDED, status };
    } catch {
      return { found: NOT_LANDED, status };
    }
  }

  private async instanceStatus(key: ReviewKey, call: GraphCall): Promise<AccessReviewStatus> {
    const answer = await this.reviews.get(this.paths.instance(key), call, WRITE_PERMISSION, 'review instance');
    return read(answer, (json) => REVIEW_STATUS.read(record(json, 'the instance').status));
  }

  /** Two counts under Graph's filter: the resource's decisions (at least one), and those of them that carry `applyResult`. */
  private async everyDecisionCarries(key: ReviewKey, applyResult: AccessReviewApplyResult, call: GraphCall): Promise<boolean> {
    const counted = async (filter: string) => {
      const path = `${this.paths.decisions(key)}?$top=1&$count=true&$filter=${encodeURIComponent(filter)}`;
      return read(await this.reviews.get(path, call, WRITE_PERMISSION, 'decisions'), collection).count;
    };
    const all = await counted(decisionFilter(key.resourceId));
    const applied = await counted(decisionFilter(key.resourceId, undefined, applyResult));
    return all !== undefined && all > 0 && applied === all;
  }
}

/** `$filter` on the documented `decision` and `applyResult` (String properties, spelled as Graph spells values) and the resource. */
function decisionFilter(resourceId: string, decision?: AccessReviewDecisionValue, applyResult?: AccessReviewApplyResult): string {
  const clauses: string[] = [];
  if (decision !== undefined) clauses.push(`decision eq '${DECISION_VALUE.pascal(decision)}'`);
  if (applyResult !== undefined) clauses.push(`applyResult eq '${APPLY_RESULT.pascal(applyResult)}'`);
  clauses.push(`resourceId eq '${resourceId}'`);
  return clauses.join(' and ');
}

/** The body Graph is sent: exactly the result and its description (null when none is given, which clears an older one). */
function writable(outcome: ApplyOutcome, spell: (value: AccessReviewApplyResult) => string) {
  return { applyResult: spell(outcome.applyResult), applyDescription: outcome.applyDescription ?? null };
}

/** Decision filters and apply results as a caller sent them: values Graph takes (not UNKNOWN_FUTURE_VALUE). */
export function parseOutcome(input: { applyResult: AccessReviewApplyResult; applyDescription?: string | null }): ApplyOutcome {
  return { applyResult: parseKnown(input.applyResult, 'input.applyResult'), applyDescription: input.applyDescription ?? null };
}

export function parseDecisionFilter(input: { decision?: AccessReviewDecisionValue | null; applyResult?: AccessReviewApplyResult | null }) {
  return {
    decision: input.decision == null ? undefined : parseKnown(input.decision, 'input.decision'),
    applyResult: input.applyResult == null ? undefined : parseKnown(input.applyResult, 'input.applyResult'),
  };
}
