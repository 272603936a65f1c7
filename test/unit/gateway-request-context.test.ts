import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { jitExecutor } from '../../src/graphql/executor';
import { apolloGatewayContextModule, gatewayRequestContext, useLeanGatewayRequestContext } from '../../src/graphql/gateway-request-context';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, args: { v: { type: GraphQLString } }, resolve: () => 'world' } } }),
});

function server(): ApolloServer<{ probe: number }> {
  return new ApolloServer<{ probe: number }>({ gateway: jitExecutor(schema), stopOnTerminationSignals: false });
}

async function ask(apollo: ApolloServer<{ probe: number }>): Promise<string> {
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: 'POST',
      headers: new HeaderMap([['content-type', 'application/json'], ['x-probe', 'a']]),
      search: 'a=1',
      body: { query: 'query Q($v: String) { hello(v: $v) }', operationName: 'Q', variables: { v: 'x' }, extensions: { e: 1 } },
    },
    context: async () => ({ probe: 1 }),
  });
  return response.body.kind === 'complete' ? response.body.string : 'chunked';
}

type MakeContext = ReturnType<typeof apolloGatewayContextModule>['makeGatewayGraphQLRequestContext'];

describe("the gateway request context Apollo hands the executor", () => {
  const apollo = apolloGatewayContextModule();
  const original = apollo.makeGatewayGraphQLRequestContext;
  afterEach(() => {
    apollo.makeGatewayGraphQLRequestContext = original;
  });

  it("is built with the same fields as Apollo's, its status and headers writing through to Apollo's answer", async () => {
    let captured: Parameters<MakeContext> | undefined;
    apollo.makeGatewayGraphQLRequestContext = (...args) => {
      captured = args;
      return original(...args);
    };
    const probe = server();
    await probe.start();
    expect(await ask(probe)).toBe('{"data":{"hello":"world"}}\n');
    await probe.stop();

    const [requestContext, apolloServer, internals] = captured!;
    const theirs = original(requestContext, apolloServer, internals);
    const ours = gatewayRequestContext(requestContext, apolloServer, internals);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    for (const key of Object.keys(theirs) as (keyof typeof theirs)[]) {
      if (key !== 'request' && key !== 'response') expect(ours[key]).toBe(theirs[key]);
    }
    const { http: ourHttp, ...ourRequest } = ours.request;
    const { http: theirHttp, ...theirRequest } = theirs.request;
    expect(ourRequest).toEqual(theirRequest);
    expect(ourRequest).toEqual({ query: 'query Q($v: String) { hello(v: $v) }', operationName: 'Q', variables: { v: 'x' }, extensions: { e: 1 } });
    expect(ourHttp!.method).toBe(theirHttp!.method);
    expect(ourHttp!.url).toBe(theirHttp!.url);
    expect([...ourHttp!.headers]).toEqual([...theirHttp!.headers]);
    expect(ourHttp!.headers.get('x-probe')).toBe('a');
    expect(ourHttp!.headers.get('x-absent')).toBeNull();

    const ourAnswer = ours.response!.http!;
    const theirAnswer = theirs.response!.http!;
    ourAnswer.status = 418;
    expect(theirAnswer.status).toBe(418);
    expect(requestContext.response.http.status).toBe(418);
    ourAnswer.headers.set('x-set', '1');
    ourAnswer.headers.append('x-set', '2');
    expect(theirAnswer.headers.get('x-set')).toBe('1, 2');
    ourAnswer.headers.delete('x-set');
    expect(theirAnswer.headers.has('x-set')).toBe(false);
  });

  it('keeps the status accessor off the per-request object (an own accessor pair gives each request a hidden class of its own)', () => {
    const requestContext = { request: {}, response: { http: { headers: new HeaderMap(), status: undefined } } } as unknown as Parameters<MakeContext>[0];
    const ours = gatewayRequestContext(requestContext, { logger: console, cache: undefined! }, {});
    const theirs = original(requestContext, { logger: console, cache: undefined! }, {});
    expect(Object.getOwnPropertyDescriptor(theirs.response!.http!, 'status')?.get).toBeInstanceOf(Function);
    expect(Object.getOwnPropertyDescriptor(ours.response!.http!, 'status')).toBeUndefined();
  });

  it("takes the place of Apollo's in Apollo's pipeline", async () => {
    expect(typeof original).toBe('function');
    expect(useLeanGatewayRequestContext()).toBe(true);
    expect(apollo.makeGatewayGraphQLRequestContext).toBe(gatewayRequestContext);
    const lean = server();
    await lean.start();
    expect(await ask(lean)).toBe('{"data":{"hello":"world"}}\n');
    await lean.stop();
  });
});
