import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const EVENTS_SUBSCRIPTION = `subscription Events($catalogId: ID!, $resourceId: ID!) {
  accessReviewEvents(catalogId: $catalogId, resourceId: $resourceId) {
    id type occurredAt catalogId resourceId
    review { id status needsUpload uploadDeadline uploadSession { id status } }
  }
}`;

export interface ReceivedEvent {
  id: string;
  type: string;
  occurredAt: string;
  catalogId: string;
  resourceId: string;
  review: { id: string; status: string; needsUpload: boolean; uploadDeadline: string | null; uploadSession: { id: string; status: string } | null };
}

export interface Subscriber {
  events: ReceivedEvent[];
  /** The protocol's `error` messages (or errors in `next`). */
  errors: { message: string; extensions?: { code?: string } }[];
  /** The socket's close, when it closed. */
  closed: { code: number; reason: string } | undefined;
  /** Resolves once the server acknowledged the connection. */
  connected: Promise<void>;
  /** Waits (bounded, generously) until `condition` holds. */
  until(what: string, condition: (subscriber: Subscriber) => boolean, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface SubscribeOptions {
  token?: string;
  origin?: string;
  query?: string;
  variables?: Record<string, unknown>;
}

/** A graphql-ws client (Node 20 has no global WebSocket: `ws` is the implementation) subscribed to one resource's events. */
export function subscribeToEvents(url: URL, resource: { catalogId: string; resourceId: string }, options: SubscribeOptions = {}): Subscriber {
  const wsUrl = new URL(url);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers = options.origin ? { origin: options.origin } : {};
  let acknowledged: () => void = () => {};
  const subscriber: Subscriber = {
    events: [],
    errors: [],
    closed: undefined,
    connected: new Promise<void>((resolve) => (acknowledged = resolve)),
    async until(what, condition, timeoutMs = 60_000) {
      for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
        if (condition(subscriber)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`timed out waiting until ${what}; events: ${JSON.stringify(subscriber.events.map((e) => e.type))}, errors: ${JSON.stringify(subscriber.errors)}, closed: ${JSON.stringify(subscriber.closed)}`);
    },
    dispose: async () => client.dispose(),
  };
  const client: Client = createClient({
    url: wsUrl.href,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    connectionParams: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: () => acknowledged(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        subscriber.closed ??= { code, reason: String(reason) };
      },
    },
    onNonLazyError: () => undefined,
  });
  client.subscribe<{ accessReviewEvents: ReceivedEvent }>(
    { query: options.query ?? EVENTS_SUBSCRIPTION, variables: options.variables ?? resource },
    {
      next: (result) => {
        if (result.data?.accessReviewEvents) subscriber.events.push(result.data.accessReviewEvents);
        if (result.errors) subscriber.errors.push(...(result.errors as Subscriber['errors']));
      },
      error: (error) => {
        if (Array.isArray(error)) subscriber.errors.push(...(error as Subscriber['errors']));
      },
      complete: () => undefined,
    },
  );
  return subscriber;
}

/** The status an upgrade from `origin` is answered with when refused; undefined when the socket opened. */
export function upgradeStatus(url: URL, origin: string): Promise<number | undefined> {
  const wsUrl = new URL(url);
  wsUrl.protocol = 'ws:';
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: { origin } });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(undefined);
      socket.close();
    });
    socket.on('error', (error) => reject(error));
  });
}
