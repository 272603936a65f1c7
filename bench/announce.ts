import type { AddressInfo, Server } from 'node:net';

/** A role process tells the orchestrator where it listens (over the IPC channel it was started with), and stops on SIGTERM. */
export function announce(url: string): void {
  process.on('SIGTERM', () => process.exit(0));
  if (!process.send) throw new Error('a bench role must be started by bench/main (no IPC channel)');
  process.send({ url });
}

export function loopbackUrl(server: Server, path = ''): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

/** The role's command-line arguments are positional and all required. */
export function roleArgument(index: number, what: string): string {
  const value = process.argv[index + 2];
  if (!value) throw new Error(`missing argument ${index + 1}: ${what}`);
  return value;
}
