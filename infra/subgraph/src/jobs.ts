import { log } from '@shop/log';
import type { BackgroundJob } from './definition';

/** Running background jobs: `stop()` clears the timers, `settled()` waits for runs in flight. */
export interface RunningJobs {
  stop(): void;
  settled(): Promise<void>;
}

/**
 * Runs each job every `everyMs` (timers do not keep the process alive). A run never overlaps
 * the previous one of the same job; a failed run is logged and the next one tried on time.
 */
export function startJobs(subgraph: string, jobs: readonly BackgroundJob[]): RunningJobs {
  const inFlight = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let running: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      if (running) return;
      running = job
        .run()
        .catch((error: unknown) => log.warn(`[${subgraph}] ${job.name} failed`, error))
        .finally(() => {
          if (running) inFlight.delete(running);
          running = undefined;
        });
      inFlight.add(running);
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    stop: () => timers.forEach((timer) => clearInterval(timer)),
    settled: async () => {
      await Promise.all(inFlight);
    },
  };
}
