import { bindingOf } from '../odata/cursor';
import { parseKnown } from '../odata/graph-enum';
import { sameId, type Guid } from '../odata/ids';
import { collection, record } from '../odata/json-readers';
import { pageStart, readPage, type PagedList } from '../odata/pages';
import type { PageSize } from '../odata/paging';
import { isRefusal, read } from '../transport/graph-answer';
import type { GraphFailure } from '../transport/graph-failure';
import type { GraphTransport } from '../transport/graph-transport';
import type { GraphCall } from '../transport/graph-request';
import { retryIdempotent } from '../transport/retry-policy';
import { notThere, there, verifiedWrite, type Verdict, type Write } from '../transport/verified-write';
import { APPLY_RESULT, AccessReviewApplyResult, DECISION_VALUE, toDecision, type AccessReviewDecision, type AccessReviewDecisionValue } from './decision';
import { AccessReviewStatus, REVIEW_STATUS } from './review';
import { confirmReview, READ_PERMISSION, reviewGet, WRITE_PERMISSION, type ReviewKey } from './review-check';
import type { AccessReviewPaths } from './review-paths';
import { ReviewScopeError } from './review-scope';

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

/**
 * The decisions of one resource in one review instance, and the apply results the resource's owner records on
 * them. Every operation first confirms the review is the catalog's (review-check.ts), and a decision of another
 * resource is never returned or written.
 */
export class AccessReviewDecisionClient {
  constructor(
    private readonly paths: AccessReviewPaths,
    private readonly transport: GraphTransport,
  ) {}

  /**
   * One Graph page of the instance's decisions, filtered by Graph on decision, apply result and resource.
   * ASSUMPTION: Graph filters decisions with `resourceId eq '…'` as Microsoft's how-to writes it (no
   * reference page documents the property); decisions of other resources are dropped here all the same.
   */
  async listDecisions(key: ReviewKey, request: DecisionPageRequest, call: GraphCall): Promise<AccessReviewDecisionPage> {
    const list = this.decisionList(key, request);
    const start = pageStart(list, request.after);
    await confirmReview(this.transport, this.paths, key, READ_PERMISSION, call);
    const page = await readPage(list, request.first, start, (path) => reviewGet(this.transport, path, call, READ_PERMISSION, 'decisions'));
    const edges = page.items.flatMap((node, index) => (sameId(node.resourceId, key.resourceId) ? [{ node, cursor: page.cursorAfter(index) }] : []));
    const totalCount = edges.length === page.items.length ? page.totalCount : undefined;
    return { edges, totalCount, endCursor: page.endCursor, hasNextPage: page.hasNextPage };
  }

  /**
   * batchApplyCustomDataProvidedResourceDecisions: one result on every decision of the resource, 202. Sending it
   * twice sets the same result on the same decisions, so it is retried like a GET (a lost answer, a 429). After a
   * refusal or an ambiguous failure, the check (inApplyingPhase): the resource's decisions, every one of them
   * carrying the result, are the success. The result only: Graph documents no `$filter` on `applyDescription`,
   * and comparing it would mean reading every decision, an unbounded number of pages.
   */
  async applyDecisions(key: ReviewKey, outcome: ApplyOutcome, call: GraphCall): Promise<void> {
    const json = JSON.stringify({ ...writable(outcome, APPLY_RESULT.camel), customDataProvidedResourceId: key.resourceId });
    await confirmReview(this.transport, this.paths, key, WRITE_PERMISSION, call);
    const request = { method: 'POST', path: this.paths.batchApply(key), headers: this.paths.batchApplyHeaders(), json, retryable: retryIdempotent, subject: 'review instance', permission: WRITE_PERMISSION } as const;
    const write = {
      name: 'apply',
      after: 'ambiguous-or-refused',
      send: async () => void (await this.transport.send(request, call)),
      alreadyThere: this.inApplyingPhase(key, call, async () => ((await this.everyDecisionCarries(key, outcome.applyResult, call)) ? there(undefined) : notThere())),
    } satisfies Write<void>;
    await verifiedWrite(write, call);
  }

  /**
   * PATCH of one decision's `applyResult` and `applyDescription`, as Microsoft's how-to does (the reference pages
   * call both read-only). The decision is read first: one of another resource is refused, unwritten. Retried like
   * a GET: the same PATCH twice leaves what it leaves once. After a refusal or an ambiguous failure, the check
   * (inApplyingPhase): the decision, read again, carrying both the result and the description asked for is the
   * success. Both, because the PATCH writes both: a second request that changes only the description after the
   * instance is Applied did not land, and saying it did would lose the new description.
   * ASSUMPTION: Graph answers 204 (as for the documented PATCH of a decision) or 200 with the decision; after a
   * 204 the decision is read again, so the answer is the decision as it now is.
   */
  async recordApplied(key: ReviewKey, decisionId: Guid, outcome: ApplyOutcome, call: GraphCall): Promise<AccessReviewDecision> {
    const json = JSON.stringify(writable(outcome, APPLY_RESULT.pascal));
    await confirmReview(this.transport, this.paths, key, WRITE_PERMISSION, call);
    const path = this.paths.decision(key, decisionId);
    const readDecision = async () => read(await reviewGet(this.transport, path, call, WRITE_PERMISSION, 'decision'), toDecision);
    if (!sameId((await readDecision()).resourceId, key.resourceId)) throw new ReviewScopeError('decision');
    const carries = (decision: AccessReviewDecision) =>
      decision.applyResult === outcome.applyResult && (decision.applyDescription ?? null) === (outcome.applyDescription ?? null);
    const request = { method: 'PATCH', path, json, retryable: retryIdempotent, subject: 'decision', permission: WRITE_PERMISSION } as const;
    const write = {
      name: 'record',
      after: 'ambiguous-or-refused',
      send: async () => {
        const answer = await this.transport.send(request, call);
        return answer.status !== 204 && answer.json !== undefined ? read(answer, toDecision) : undefined;
      },
      alreadyThere: this.inApplyingPhase<AccessReviewDecision | undefined>(key, call, async () => {
        const now = await readDecision();
        return carries(now) ? there(now) : notThere();
      }),
    } satisfies Write<AccessReviewDecision | undefined>;
    return (await verifiedWrite(write, call)) ?? readDecision();
  }

  /**
   * A review write's check ("safe to retry" for the caller too): one read of the instance, then, where a result can
   * be (APPLYING, or APPLIED, which takes no more), the write's own reads. Whichever request put the result there
   * (an attempt of this call, the caller's earlier request through any replica), finding it is the success. A
   * refusal by an instance in another phase (IN_PROGRESS, say) stands, and says which phase it is in.
   */
  private inApplyingPhase<T>(key: ReviewKey, call: GraphCall, found: () => Promise<Verdict<T>>) {
    return async (failure: GraphFailure): Promise<Verdict<T>> => {
      const answer = await reviewGet(this.transport, this.paths.instance(key), call, WRITE_PERMISSION, 'review instance');
      const status = read(answer, (json) => REVIEW_STATUS.read(record(json, 'the instance').status));
      if (status === AccessReviewStatus.APPLYING || status === AccessReviewStatus.APPLIED) {
        const verdict = await found().catch((): Verdict<T> => notThere());
        if (verdict.there) return verdict;
      }
      const wrongPhase = isRefusal(failure) && status !== AccessReviewStatus.APPLYING;
      return notThere(wrongPhase ? { phase: { required: AccessReviewStatus.APPLYING, actual: status } } : undefined);
    };
  }

  /** Two counts under Graph's filter: the resource's decisions (at least one), and those of them that carry `applyResult`. */
  private async everyDecisionCarries(key: ReviewKey, applyResult: AccessReviewApplyResult, call: GraphCall): Promise<boolean> {
    const counted = async (filter: string) => {
      const path = `${this.paths.decisions(key)}?$top=1&$count=true&$filter=${encodeURIComponent(filter)}`;
      return read(await reviewGet(this.transport, path, call, WRITE_PERMISSION, 'decisions'), collection).count;
    };
    const all = await counted(decisionFilter(key.resourceId));
    const applied = await counted(decisionFilter(key.resourceId, undefined, applyResult));
    return all !== undefined && all > 0 && applied === all;
  }

  /** The instance's decisions under the request's filter: cursors bound to the review, the resource and the filter. */
  private decisionList(key: ReviewKey, { decision, applyResult }: DecisionPageRequest): PagedList<AccessReviewDecision> {
    const path = this.paths.decisions(key);
    const filter = decisionFilter(key.resourceId, decision, applyResult);
    return {
      path,
      query: { filter },
      binding: bindingOf(['decisions', key.catalogId, key.resourceId, key.reviewDefinitionId, key.reviewInstanceId, decision ?? null, applyResult ?? null]),
      checkLink: (link) => this.paths.pagingLink(link, path, filter),
      item: toDecision,
    };
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
