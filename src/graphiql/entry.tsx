/// <reference lib="dom" />
// The browser half of the offline developer console: bundled by esbuild into dist/graphiql (`npm run build`)
// and inlined into the landing page by src/graphql/console/graphiql-landing-page.ts, so nothing loads from a CDN.
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import type { ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import { OPTIONS_ELEMENT_ID, ROOT_ELEMENT_ID, type GraphiqlOptions } from './options';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

const options = JSON.parse(document.getElementById(OPTIONS_ELEMENT_ID)!.textContent!) as GraphiqlOptions;
// The page is served by GET on the GraphQL endpoint itself, so its own URL (behind any path prefix) is the endpoint.
const endpoint = `${location.origin}${location.pathname}`;

/**
 * A plain POST per operation. @graphiql/toolkit's fetcher would pull in graphql-ws for subscriptions,
 * which this schema has none of; the headers editor's headers (e.g. Authorization) are sent as typed.
 */
const fetcher: Fetcher = async (params, opts) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      ...opts?.headers,
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    // A refusal before GraphQL ran (a proxy, a body limit) may not be JSON: still show what came back.
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
};

createRoot(document.getElementById(ROOT_ELEMENT_ID)!).render(
  <GraphiQL
    fetcher={fetcher}
    query={options.document}
    variables={JSON.stringify(options.variables, null, 2)}
    defaultEditorToolsVisibility="variables"
  />,
);
