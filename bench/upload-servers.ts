import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LOAD_CPU, onCpu, type Pinning } from './machine';
import { benchEnvironment, ROLE_DIR } from './paths';
import { SESSION_PATH } from './seed';
import { startVariant, type RunningServer } from './servers';

const STARTUP_TIMEOUT_MS = 30_000;

export interface UploadServers {
  /** The upstream's `…/uploadFile` URL: where the direct upload goes. */
  uploadFileUrl: string;
  upstreamPid: number;
  gateway: RunningServer;
  stop(): Promise<void>;
}

/** The lean upload upstream on the client's CPU (as the request bench's upstream), the gateway on its own. */
export async function startUploadServers(pinning: Pinning, gatewayNodeFlags: string[] = []): Promise<UploadServers> {
  const upstream = await startUploadUpstream(pinning);
  try {
    const gateway = await startVariant(pinning, 'gateway', upstream.baseUrl, { extraNodeFlags: gatewayNodeFlags });
    return {
      uploadFileUrl: `${upstream.baseUrl}${SESSION_PATH}/uploadFile`,
      upstreamPid: upstream.pid,
      gateway,
      stop: async () => {
        await gateway.stop();
        await upstream.stop();
      },
    };
  } catch (error) {
    await upstream.stop();
    throw error;
  }
}

async function startUploadUpstream(pinning: Pinning): Promise<{ baseUrl: string; pid: number; stop(): Promise<void> }> {
  const [command, args] = onCpu(pinning, LOAD_CPU, process.execPath, [join(ROLE_DIR, 'upload-upstream-server.js')]);
  const child = spawn(command, args, { env: { ...benchEnvironment(), NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the upload upstream did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    child.once('message', (message: { url: string }) => {
      clearTimeout(timer);
      resolve(message.url);
    });
    child.once('exit', (code) => reject(new Error(`the upload upstream exited with ${code} before it was ready`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (child.pid === undefined) throw new Error('the upload upstream has no pid');
  return { baseUrl, pid: child.pid, stop };
}
