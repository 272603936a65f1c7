// A frontend's own app, as the README's first section shows it: Apollo Client pointed at the gateway.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';

const client = new ApolloClient({
  link: new HttpLink({ uri: import.meta.env.VITE_GATEWAY_URL ?? 'http://localhost:4000/graphql' }),
  cache: new InMemoryCache(),
});

const SESSIONS = gql`
  query Sessions($catalogId: ID!, $resourceId: ID!) {
    uploadSessions(catalogId: $catalogId, resourceId: $resourceId) {
      edges { node { id status } }
    }
  }
`;

const result = document.getElementById('result');
client
  .query({ query: SESSIONS, variables: { catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff', resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff' } })
  .then(({ data }) => (result.textContent = JSON.stringify(data)))
  .catch((error) => (result.textContent = `failed: ${error.message}`));
