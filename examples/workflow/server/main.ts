// `npm run example` runs this (bundled by ../run.mjs): the app on http://127.0.0.1:5173/ unless `-- --port N`.
import { parseArgs } from 'node:util';
import { startExample } from './start-example';

const DEFAULT_PORT = 5173;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, not "${values.port}"`);

  const example = await startExample({ port, host: values.host, prettyLogs: process.stdout.isTTY });
  process.stdout.write(
    [
      '',
      `  Upload sessions example: ${example.url.href}`,
      `  Its /graphql is the gateway (${example.gateway.url.href}) on the Graph emulator:`,
      '  Microsoft Graph is not called. Ctrl-C stops both.',
      "  Signed in as the seeded Catalog owner: the page's \"Signed in as\" switches to the reader or the stranger (test-only tokens).",
      `  Play the reviewers with the emulator's control API: ${new URL('/_emulator/reviews', example.gateway.graphBaseUrl).href}`,
      '',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    example.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The example did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
