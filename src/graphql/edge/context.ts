import type { CallerIdentity } from '../../auth/caller-authentication';
import type { UploadConfig } from '../../config';
import type { GraphCall, GraphClient } from '../../graph/graph-client';
import type { SessionLoader } from '../upload-sessions/session-loader';

/** What every resolver gets: the shared Graph client and this request's share of it. */
export interface GatewayContext {
  graph: GraphClient;
  call: GraphCall;
  /** The correlation id of this GraphQL request. */
  requestId: string;
  /** This request's session and files reads, shared by every field that names the same session. */
  sessions: SessionLoader;
  /** How an uploaded file is checked, and whether this request is a multipart upload at all. */
  upload: UploadConfig & { multipart: boolean };
  /** Who is calling, when the gateway authenticates callers (AUTH_ISSUER). */
  caller: CallerIdentity | undefined;
  /**
   * When the request reached the GraphQL layer (performance.now()), and what Apollo ran, reported by its plugin
   * (apollo.ts) for the handler to record. An object, so the report reaches the handler from any copy of the context.
   */
  outcome: { readonly started: number; operation?: OperationReport };
}

/** What Apollo's plugin saw of the operation it ran, once its answer was final. */
export interface OperationReport {
  /** The operation's name, or `anonymous`. */
  name: string;
  /** OK, or its answer's first error's code. */
  code: string;
}
