import type { CallerIdentity } from '../auth/caller-authentication';
import type { GraphCall, GraphClient } from '../graph/graph-client';
import type { UploadSession } from '../graph/upload-session';

/** What every resolver gets: the shared Graph client and this request's share of it. */
export interface GatewayContext {
  graph: GraphClient;
  call: GraphCall;
  /** The correlation id of this GraphQL request. */
  requestId: string;
  /** Session reads of this request by key, so one operation reads each session once (federation entities). */
  sessionReads: Map<string, Promise<UploadSession | null>>;
  /** Who is calling, when the gateway authenticates callers (AUTH_ISSUER). */
  caller: CallerIdentity | undefined;
  /**
   * When the request reached the GraphQL layer (performance.now()), and whether its log line and metrics
   * are written (exactly once per request). An object: Apollo runs each request on a shallow copy of this context.
   */
  outcome: { readonly started: number; recorded: boolean };
}
