// The deployment's jobs that write, each on its own interval, run by the one process that holds the background
// lock. Each run is counted (background_job_runs) before it starts, so an operator sees who does the work; a run
// still going when its next turn comes is not started twice.
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import { recordJobRun, type Runner } from './job-run-repository.js';

export interface Job {
  /** Stable name, the `job` column of background_job_runs and the log's `job` field. */
  name: string;
  everySeconds: number;
  run(): Promise<unknown>;
}

/**
 * Starts every job on its interval (the first run one interval after the start). The stop clears the timers and
 * waits for the runs in progress, so that the pool they use is closed after them.
 */
export function runJobs(jobs: readonly Job[], deps: { db: Queryable; runner: Runner; log: Logger }): () => Promise<void> {
  const running = new Map<string, Promise<void>>();
  const turn = (job: Job) => {
    if (running.has(job.name)) return;
    const run = (async () => {
      try {
        await recordJobRun(deps.db, job.name, deps.runner);
        await job.run();
      } catch (error) {
        deps.log.warn({ event: 'background.job_failed', job: job.name, err: error }, 'background.job_failed');
      }
    })().finally(() => running.delete(job.name));
    running.set(job.name, run);
  };
  const timers = jobs.map((job) => {
    const timer = setInterval(() => turn(job), job.everySeconds * 1000);
    timer.unref();
    return timer;
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running.values());
  };
}
