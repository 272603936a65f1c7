import type { IncomingMessage } from 'node:http';
import { readJson, type RequestBody } from '../server/body-reader';
import { REVIEW_READ_PERMISSIONS, REVIEW_WRITE_PERMISSIONS } from '../server/graph-token-check';
import { badRequest, methodNotAllowed } from '../server/http-error';
import { batchApply, getDecision, getDefinition, getInstance, listDecisions, listDefinitions, listInstances, patchDecision, type ReviewPlace } from './review-handlers';
import { BATCH_APPLY, assertReviewGuids, parseReviewPath, type ReviewPath } from './review-paths';
import { missingVersionHeader } from './review-refusals';
import type { ReviewStore } from './review-store';
import type { Answer } from '../upload-sessions/session-handlers';

export interface ReviewRouteContext {
  reviews: ReviewStore;
  body: RequestBody;
  /** Checks the caller's token and that it holds one of these permissions; throws Graph's 401/403. */
  authenticate: (permissions: readonly string[]) => Promise<void>;
  origin: string;
}

/** The access review paths' table; undefined when the path is not under `…/identityGovernance/accessReviews`. */
export function routeReview(req: IncomingMessage, url: URL, context: ReviewRouteContext): Promise<Answer> | undefined {
  const path = parseReviewPath(url.pathname);
  return path && handle(req, url, path, context);
}

async function handle(req: IncomingMessage, url: URL, path: ReviewPath, { reviews, body, authenticate, origin }: ReviewRouteContext): Promise<Answer> {
  await authenticate(req.method === 'GET' ? REVIEW_READ_PERMISSIONS : REVIEW_WRITE_PERMISSIONS);
  assertReviewGuids(path);
  const place: ReviewPlace = { origin, path, url };
  switch (`${req.method} ${path.target}`) {
    case 'GET definitions':
      return listDefinitions(reviews, place);
    case 'GET definition':
      return getDefinition(reviews, place);
    case 'GET instances':
      return listInstances(reviews, place);
    case 'GET instance':
      return getInstance(reviews, place);
    case 'GET decisions':
      return listDecisions(reviews, place);
    case 'GET decision':
      return getDecision(reviews, place);
    case 'PATCH decision':
      return patchDecision(reviews, place, await readJson(req, body));
    case 'POST batchApply':
      checkBatchApplyRoute(req, path);
      return batchApply(reviews, place, await readJson(req, body));
    default:
      throw methodNotAllowed();
  }
}

/**
 * v1.0 serves batch apply "only through the unified route"; beta's classic route requires the header
 * `x-accessreviews-version: vNext`. ASSUMPTION: beta's unified route does not (it is the vNext service already).
 */
function checkBatchApplyRoute(req: IncomingMessage, path: ReviewPath): void {
  if (path.unified) return;
  if (path.version === 'v1.0') throw badRequest(`Resource not found for the segment '${BATCH_APPLY}'.`);
  const header = req.headers['x-accessreviews-version'];
  if ((Array.isArray(header) ? header[0] : header)?.toLowerCase() !== 'vnext') throw missingVersionHeader();
}
