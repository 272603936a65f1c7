import { ConfigError, loadEmulatorConfig, readEnvironment } from '../config';
import { createEmulator } from './server/emulator-server';

/** `npm run emulator`: the Graph emulator alone. */
async function main(): Promise<void> {
  const { port, host, auth, callerTokens } = loadEmulatorConfig(readEnvironment());
  const emulator = createEmulator({
    auth: auth && { jwks: auth.jwksUri, issuer: auth.issuer, audiences: [...auth.audiences] },
    callerTokens,
  });
  const url = await emulator.listen(port, host);
  process.stdout.write(
    `Graph emulator listening (this is not Microsoft Graph; seeded with the documentation's session and catalog access reviews in each phase; see docs/emulator.md). ` +
      `Point the gateway at it with GRAPH_BASE_URL=${url.href} (or ${new URL('/v1.0', url).href}: each version serves the session paths its SDK builds). ` +
      (auth ? `Graph tokens are checked against ${auth.jwksUri?.href ?? auth.issuer}.` : 'Any bearer token is accepted.') +
      (callerTokens ? ` Test-only caller tokens: POST ${new URL('/_emulator/caller-tokens', url).href} (never in production).\n` : '\n'),
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Emulator failed to start: ${message}\n`);
  process.exit(1);
});
