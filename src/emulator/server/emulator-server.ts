import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallerTokens } from '../control/caller-tokens';
import { answerRequest, type EmulatorParts, type LoggedRequest } from './emulator-request';
import { FaultPlan } from './faults';
import { graphTokenCheck, type EmulatorAuth } from './graph-token-check';
import { answerClientError } from './http-edges';
import type { ReviewStore } from '../access-reviews/review-store';
import type { SessionStore } from '../upload-sessions/session-store';
import { Worlds } from './worlds';

export { fingerprint, type LoggedRequest } from './emulator-request';

export interface Emulator {
  server: Server;
  /** One world per tenant (the `tid` of the Graph token a request carries). */
  worlds: Worlds;
  /** The default tenant's sessions and reviews (tokens without a `tid`). */
  store: SessionStore;
  reviews: ReviewStore;
  faults: FaultPlan;
  requests: LoggedRequest[];
  /** Listens and resolves to the Graph base URL (with `/beta`); `/v1.0` is served too, each with its own path shapes. */
  listen(port?: number, host?: string): Promise<URL>;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  /** The documented catalog, resource, session, reviews and users in every world; true by default. */
  seed?: boolean;
  auth?: EmulatorAuth;
  /**
   * Whether it mints test-only caller tokens (control/caller-tokens.ts); false by default. `npm run emulator`
   * asks for them outside NODE_ENV=production, the example and tests ask; the gateway's embedded one never does.
   */
  callerTokens?: boolean;
}

/** A Graph emulator: a real HTTP server answering the upload-session paths as Graph does. */
export function createEmulator({ seed = true, auth, callerTokens = false }: EmulatorOptions = {}): Emulator {
  const worlds = new Worlds(seed);
  const { store, reviews } = worlds.default;
  const callers = callerTokens ? new CallerTokens() : undefined;
  const parts: EmulatorParts = { worlds, faults: new FaultPlan(), requests: [] as LoggedRequest[], checkToken: graphTokenCheck(auth), callers };
  const server = createServer((req, res) => answerRequest(parts, req, res));
  server.on('checkContinue', (req, res) => answerRequest(parts, req, res, true));
  server.on('clientError', answerClientError);

  return {
    server,
    worlds,
    store,
    reviews,
    faults: parts.faults,
    requests: parts.requests,
    async listen(port = 0, host = '127.0.0.1') {
      // exclusive: in a cluster worker the embedded emulator is the worker's own, not a port shared round-robin.
      await new Promise<void>((resolve) => server.listen({ port, host, exclusive: true }, resolve));
      const address = server.address() as AddressInfo;
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return new URL(`http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${address.port}/beta`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
