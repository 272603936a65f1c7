import { useEffect, useRef, useState } from 'react';
import { ApolloClient, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import { AccessReviewEventsDocument, type AccessReviewEventsSubscription } from '../../../src/client/generated';
import { callerAuthorization } from './gateway-client';
import type { Resource } from './resource';

export type ReviewEvent = AccessReviewEventsSubscription['accessReviewEvents'];

/** Whether events arrive: connecting (or reconnecting), live, or off and why (e.g. the gateway does not WATCH the resource). */
export type LiveState = { kind: 'connecting' } | { kind: 'live' } | { kind: 'off'; reason: string };

/**
 * The resource's review events as the gateway sees them (`accessReviewEvents`, GraphQL over WebSocket on this
 * origin's /graphql), with Apollo Client 4's GraphQLWsLink. Subscriptions only: the page's queries and mutations
 * go by `fetch` (gateway-client.ts). Events come at least once: each `id` is handed on once.
 */
export function useReviewEvents(resource: Resource, onEvent: (event: ReviewEvent) => void): LiveState {
  const [live, setLive] = useState<LiveState>({ kind: 'connecting' });
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    const seen = new Set<string>();
    const url = new URL('/graphql', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = createClient({
      url: url.href,
      retryAttempts: Number.POSITIVE_INFINITY,
      // The signed-in caller, as the gateway reads it from connection_init.
      connectionParams: async () => {
        const authorization = await callerAuthorization();
        return authorization === undefined ? {} : { authorization };
      },
      on: { connected: () => setLive((state) => (state.kind === 'off' ? state : { kind: 'live' })), closed: () => setLive((state) => (state.kind === 'off' ? state : { kind: 'connecting' })) },
    });
    const client = new ApolloClient({ link: new GraphQLWsLink(socket), cache: new InMemoryCache() });
    const subscription = client.subscribe({ query: AccessReviewEventsDocument, variables: resource, fetchPolicy: 'no-cache' }).subscribe({
      next: ({ data, error }) => {
        if (error) return setLive({ kind: 'off', reason: reasonOf(error) });
        const event = data?.accessReviewEvents;
        if (!event || seen.has(event.id)) return;
        seen.add(event.id);
        handler.current(event);
      },
      error: (error: unknown) => setLive({ kind: 'off', reason: reasonOf(error) }),
    });
    return () => {
      subscription.unsubscribe();
      client.stop();
      void socket.dispose();
      setLive({ kind: 'connecting' });
    };
  }, [resource]);
  return live;
}

function reasonOf(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map(({ message, extensions }) => `${String(extensions?.code ?? 'ERROR')}: ${message}`).join(' ');
  return error instanceof Error ? error.message : String(error);
}
