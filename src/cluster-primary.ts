import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { WATCH_EVENT_MESSAGE, WATCH_POLLER_MESSAGE } from './watch/cluster-messages';

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
  relayWatchEvents(listened);
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

/**
 * Without Redis, watching is one worker's (WATCH): the first to listen is told to poll, and when it dies the
 * next one to listen (its replacement, or another) is; the poller's events are passed on to every other worker.
 */
function relayWatchEvents(listened: WeakSet<Worker>): void {
  let poller: Worker | undefined;
  const designate = (worker: Worker) => {
    if (poller && !poller.isDead()) return;
    poller = worker;
    worker.send({ kind: WATCH_POLLER_MESSAGE });
  };
  cluster.on('listening', designate);
  cluster.on('exit', (worker) => {
    if (worker !== poller) return;
    poller = undefined;
    const next = Object.values(cluster.workers ?? {}).find((candidate) => candidate && listened.has(candidate) && !candidate.isDead());
    if (next) designate(next);
  });
  cluster.on('message', (from, message: { kind?: unknown }) => {
    if (message?.kind !== WATCH_EVENT_MESSAGE) return;
    for (const worker of Object.values(cluster.workers ?? {})) if (worker && worker !== from && !worker.isDead()) worker.send(message);
  });
}
