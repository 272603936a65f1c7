import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/**
 * WORKERS > 1: this process only supervises. Each worker is a whole gateway (main.ts) on the shared
 * port; node:cluster hands connections out round-robin. A worker that dies after it served is
 * replaced; one that dies before it ever listened is a start-up failure, and replacing it would loop.
 */
export function runPrimary(workers: number, logger: Logger): void {
  const listened = new WeakSet<Worker>();
  let stoppingSince: number | undefined;
  let failed = false;

  cluster.on('listening', (worker) => listened.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    const facts = { workerPid: worker.process.pid, code, signal };
    if (stoppingSince === undefined && listened.has(worker)) {
      logger.error(facts, 'worker died; starting a replacement');
      cluster.fork();
      return;
    }
    if (stoppingSince === undefined) {
      logger.fatal(facts, 'worker failed to start; stopping');
      failed = true;
      stop('SIGTERM');
    }
    if (code !== 0) failed = true;
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info({ failed }, 'all workers stopped');
      process.exit(failed ? 1 : 0);
    }
  });

  function stop(signal: NodeJS.Signals): void {
    if (stoppingSince !== undefined) {
      // npm and a terminal's Ctrl-C both deliver one signal twice (to the group, and forwarded): only a later one counts.
      if (Date.now() - stoppingSince < 1000) return;
      logger.warn({ signal }, 'second signal: stopping workers at once');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'draining workers');
    // Each worker drains itself on SIGTERM (readiness off, in-flight requests finish, exit 0).
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  logger.info({ workers }, `starting ${workers} workers`);
  for (let i = 0; i < workers; i++) cluster.fork();
}
