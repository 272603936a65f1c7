// Role process: Apollo's startStandaloneServer over type-graphql, untuned: the baseline. Its Graph call is
// `undici.request` (apollo-standalone) or the global `fetch` (apollo-fetch, labelled as the fetch baseline).
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSchemaSync } from 'type-graphql';
import { request } from 'undici';
import { announce, roleArgument } from './announce';
import { sessionResolver, type ApolloBenchContext, type UpstreamCall } from './apollo-session.resolver';

const upstream = roleArgument(0, 'the upstream URL');
const client = roleArgument(1, 'undici or fetch');

const headersOf = (authorization: string) => ({ authorization, accept: 'application/json', 'content-type': 'application/json' });

const viaUndici: UpstreamCall = async (path, { method, authorization, body }) => {
  const response = await request(upstream + path, { method, headers: headersOf(authorization), body });
  if (response.statusCode !== 200) throw new Error(`Graph answered ${response.statusCode}`);
  return response.body.json();
};

const viaFetch: UpstreamCall = async (path, { method, authorization, body }) => {
  const response = await fetch(upstream + path, { method, headers: headersOf(authorization), body });
  if (!response.ok) throw new Error(`Graph answered ${response.status}`);
  return response.json();
};

async function main(): Promise<void> {
  if (client !== 'undici' && client !== 'fetch') throw new Error(`unknown client ${client}: undici or fetch`);
  const schema = buildSchemaSync({ resolvers: [sessionResolver(client === 'undici' ? viaUndici : viaFetch)], validate: false });
  const server = new ApolloServer<ApolloBenchContext>({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization ?? '' }),
  });
  announce(url);
}

void main();
