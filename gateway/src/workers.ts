import cluster, { type Worker } from 'node:cluster';
import { log as sharedLog } from '@shop/log';

export interface SuperviseOptions {
  /** Worker processes to keep running (≥ 2; one process needs no supervisor). */
  workers: number;
  /** Longest the workers get to drain after SIGTERM/SIGINT before they are killed; 30 s. */
  drainTimeoutMs?: number;
  /** A worker dying more often than this per minute stops the restarts (crash loop); 10. */
  maxRestartsPerMinute?: number;
  log?: (message: string) => void;
  /** Extra environment variables of every worker. */
  env?: Record<string, string>;
}

/**
 * The primary process of a multi-process gateway (`GATEWAY_WORKERS` > 1): forks `workers`
 * copies of this same entry point, which all listen on the one port (Node's cluster module
 * hands incoming connections to them in turn), restarts a worker that dies, and on SIGTERM or
 * SIGINT has every worker drain (each runs its own graceful shutdown) before exiting 0.
 *
 * Node runs JavaScript on one core per process; the gateway's CPU per request (query plan
 * execution, result merging, JSON) is what limits a single process, so extra cores need extra
 * processes. Each worker keeps its own in-memory caches; rate limits are shared only through
 * Redis (`REDIS_URL`), as with several gateway instances.
 */
export function superviseWorkers(options: SuperviseOptions): Promise<void> {
  const log = options.log ?? ((message: string) => sharedLog.info(`[gateway] ${message}`));
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const maxRestarts = options.maxRestartsPerMinute ?? 10;
  const restarts: number[] = [];
  let stopping = false;

  const fork = (): Worker => {
    const worker = cluster.fork(options.env);
    worker.on('listening', (address) => {
      log(`worker ${worker.process.pid} listening on port ${address.port}`);
    });
    return worker;
  };

  return new Promise<void>((resolve) => {
    const living = () => Object.values(cluster.workers ?? {}).filter(Boolean) as Worker[];

    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (living().length === 0) resolve();
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > maxRestarts) {
        log(`workers keep dying (${restarts.length} in a minute): giving up`);
        process.exitCode = 1;
        shutdown('crash loop');
        return;
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      fork();
    });

    const shutdown = (reason: string) => {
      if (stopping) return;
      stopping = true;
      log(`${reason}: draining ${living().length} workers`);
      for (const worker of living()) worker.process.kill('SIGTERM');
      if (living().length === 0) resolve();
      setTimeout(() => {
        for (const worker of living()) {
          log(`worker ${worker.process.pid} did not drain in ${drainTimeoutMs} ms: killing it`);
          worker.process.kill('SIGKILL');
        }
      }, drainTimeoutMs).unref();
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));

    for (let i = 0; i < options.workers; i += 1) fork();
    log(`primary ${process.pid}: ${options.workers} workers`);
  });
}

/** Whether this process should supervise workers instead of serving. */
export function isWorkerPrimary(workers: number): boolean {
  return workers > 1 && cluster.isPrimary;
}
