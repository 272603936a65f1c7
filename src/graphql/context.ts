import type { CallerIdentity } from '../auth/caller-authentication';
import type { GraphCall, GraphClient } from '../graph/graph-client';

/** What every resolver gets: the shared Graph client and this request's share of it. */
export interface GatewayContext {
  graph: GraphClient;
  call: GraphCall;
  /** The correlation id of this GraphQL request. */
  requestId: string;
  /** Who is calling, when the gateway authenticates callers (AUTH_ISSUER). */
  caller: CallerIdentity | undefined;
}
