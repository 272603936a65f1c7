import { DEFAULT_EMBEDDED_SANDBOX_VERSION } from '@apollo/server/plugin/landingPage/default';
import type { GraphiqlOptions } from '../../graphiql/options';

/** `?console=graphiql` opens the bundled GraphiQL on the same endpoint, whatever GRAPHQL_IDE says. */
export const CONSOLE_PARAM = 'console';
const GRAPHIQL_QUERY = `${CONSOLE_PARAM}=graphiql`;

const SANDBOX_SCRIPT = `https://embeddable-sandbox.cdn.apollographql.com/${DEFAULT_EMBEDDED_SANDBOX_VERSION}/embeddable-sandbox.umd.production.min.js`;

/**
 * Apollo Sandbox, embedded as Apollo's own landing page embeds it, with a way out when Apollo's CDN cannot
 * be reached: the script is loaded before the code that needs it, so when it fails (offline, a proxy) that
 * code finds no `EmbeddedSandbox` and opens the bundled GraphiQL instead. While the script loads (a network
 * that hangs rather than refuses), the page offers GraphiQL by a link.
 */
export function sandboxPage({ document, variables }: GraphiqlOptions): string {
  const config = {
    target: '#sandbox',
    initialState: { document, variables, includeCookies: false },
    hideCookieToggle: false,
    endpointIsEditable: false,
    runTelemetry: false,
    allowDynamicStyles: false,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Apollo Sandbox</title>
<style>
body { margin: 0; font-family: system-ui, sans-serif; }
#offline { padding: 1em 2em; }
#sandbox { position: absolute; inset: 0; }
#sandbox iframe { width: 100%; height: 100%; border: none; background: white; }
</style>
</head>
<body>
<div id="offline">
<p>Loading Apollo Sandbox from Apollo's CDN… If it does not appear (offline, or a proxy blocks it), use
<a id="graphiql" href="?${GRAPHIQL_QUERY}">GraphiQL</a>, bundled with the gateway: it needs no network.
<code>GRAPHQL_IDE=graphiql</code> makes it the console at this address.</p>
</div>
<div id="sandbox"></div>
<script src="${SANDBOX_SCRIPT}"></script>
<script>
(function () {
  if (!window.EmbeddedSandbox) return void location.replace(location.pathname + '?${GRAPHIQL_QUERY}');
  var config = ${JSON.stringify(config).replace(/</g, '\\u003c')};
  config.initialEndpoint = location.origin + location.pathname;
  new window.EmbeddedSandbox(config);
})();
</script>
</body>
</html>
`;
}
