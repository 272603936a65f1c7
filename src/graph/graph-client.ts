import { AccessReviewClient } from './access-reviews/review-client';
import { AccessReviewDecisionClient } from './access-reviews/decision-client';
import { AccessReviewPaths } from './access-reviews/review-paths';
import { CatalogRoleClient } from './catalog-roles/catalog-role-client';
import { GraphPaths } from './graph-paths';
import { GraphTransport, type GraphTransportOptions } from './transport/graph-transport';
import { UploadSessionClient } from './upload-sessions/session-client';

export type { GraphAttemptRecord, GraphCall } from './transport/graph-request';

export interface GraphClientOptions extends GraphTransportOptions {
  /** Graph's root, ending in its version segment: `/beta` or `/v1.0` picks the path shape. */
  baseUrl: URL;
}

/**
 * The Graph clients of the gateway's features, on one transport (its steps composed once: one dispatcher, one
 * guard, one retry policy). Each client makes its own calls; they share small functions, never each other.
 */
export class GraphClient {
  readonly sessions: UploadSessionClient;
  readonly reviews: AccessReviewClient;
  readonly decisions: AccessReviewDecisionClient;
  /** Who holds which role on a catalog (the gateway's catalog authorization), on the same transport. */
  readonly catalogRoles: CatalogRoleClient;

  constructor(options: GraphClientOptions) {
    const paths = new GraphPaths(options.baseUrl);
    const transport = new GraphTransport(paths.origin, options);
    const reviewPaths = new AccessReviewPaths(paths);
    this.sessions = new UploadSessionClient(paths, transport);
    this.reviews = new AccessReviewClient(reviewPaths, paths, transport);
    this.decisions = new AccessReviewDecisionClient(reviewPaths, transport);
    this.catalogRoles = new CatalogRoleClient(paths, transport);
  }
}
