import Negotiator from 'negotiator';
import type { GraphQLIde } from '../../config';
import type { GraphiqlOptions } from '../../graphiql/options';
import { CompressedText } from '../../http/compressed-text';
import type { GraphQLHttpRequest, HttpAnswer } from '../../http/graphql-request';
import { graphiqlPage, readGraphiqlAssets, type GraphiqlAssets } from './graphiql-landing-page';
import { CONSOLE_PARAM, sandboxPage } from './sandbox-page';

export interface DeveloperConsoleOptions extends GraphiqlOptions {
  ide: GraphQLIde;
  /** Read when GraphiQL is first asked for (by default dist/graphiql, as `npm run build` writes it). */
  graphiqlAssets?: () => GraphiqlAssets;
}

/** Answers a browser's page request on the endpoint; undefined for anything else (an operation). */
export type DeveloperConsole = (request: GraphQLHttpRequest) => Promise<HttpAnswer> | undefined;

const OFF_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphQL endpoint</title></head>
<body>
<p>This is a GraphQL endpoint. Its developer console is off (production, or <code>GRAPHQL_IDE=off</code>):
send GraphQL operations to this address with <code>POST</code> and <code>Content-Type: application/json</code>.</p>
</body>
</html>
`;

/**
 * The developer console on `GET /graphql` for browsers (Accept preferring text/html, as Apollo decides):
 * Apollo Sandbox, which falls back to the bundled GraphiQL when Apollo's CDN cannot be reached; GraphiQL;
 * or, with the console off, a page that says so (instead of Apollo's CSRF refusal). Pages are sent
 * compressed as the browser accepts (GraphiQL's page carries its whole bundle, ~1.8 MB).
 */
export function createDeveloperConsole({ ide, document, variables, graphiqlAssets = readGraphiqlAssets }: DeveloperConsoleOptions): DeveloperConsole {
  const options = { document, variables };
  let graphiql: CompressedText | undefined;
  const graphiqlText = () => (graphiql ??= new CompressedText(graphiqlPage(options, graphiqlAssets())));
  // GraphiQL asked for explicitly must be there at start-up; as Sandbox's fallback it is read on first use.
  if (ide === 'graphiql') graphiqlText();
  const sandbox = new CompressedText(sandboxPage(options));
  const off = new CompressedText(OFF_PAGE);

  return (request) => {
    if (request.method !== 'GET' || !prefersHtml(request.headers.accept)) return undefined;
    const params = new URLSearchParams(request.search);
    switch (ide) {
      case 'graphiql':
        return page(graphiqlText(), 200, request);
      case 'sandbox':
        return page(params.get(CONSOLE_PARAM) === 'graphiql' ? graphiqlText() : sandbox, 200, request);
      case 'off':
        // A GET operation from a browser's address bar goes on to Apollo (and its CSRF rule).
        return params.has('query') ? undefined : page(off, 404, request);
    }
  };
}

async function page(text: CompressedText, status: number, request: GraphQLHttpRequest): Promise<HttpAnswer> {
  const { encoding, body } = await text.encode(request.headers['accept-encoding']);
  const headers: [string, string][] = [
    ['content-type', 'text/html; charset=utf-8'],
    ['vary', 'Accept, Accept-Encoding'],
  ];
  if (encoding) headers.push(['content-encoding', encoding]);
  return { status, headers, body };
}

const PAGE_TYPES = ['application/json', 'application/graphql-response+json', 'text/html'];

/** As Apollo Server tells a browser's page request from an operation: text/html preferred to JSON. */
function prefersHtml(accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false;
  const header = Array.isArray(accept) ? accept.join(', ') : accept;
  return new Negotiator({ headers: { accept: header } }).mediaType(PAGE_TYPES) === 'text/html';
}
