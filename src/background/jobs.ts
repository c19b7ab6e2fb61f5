// The deployment's jobs that write, each on its own interval, run by the one process that holds the background
// lock. Each run is counted (background_job_runs) before it starts, so an operator sees who does the work; a run
// still going when its next turn comes is not started twice. A process that takes the work over goes on from the
// deployment's last run of each job, not from its own start: a deployment restarted more often than a job's
// interval (hourly retention, daily deploys) still runs it on time, and a restart does not run everything again.
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import { listSecondsSinceLastRuns, recordJobRun, type Runner } from './job-run-repository.js';

export interface Job {
  /** Stable name, the `job` column of background_job_runs and the log's `job` field. */
  name: string;
  everySeconds: number;
  run(): Promise<unknown>;
}

/**
 * Starts every job on its interval, its first run when an interval has passed since the deployment's last one
 * (one interval from now if none ever ran). The stop clears the timers and waits for the runs in progress, so that
 * the pool they use is closed after them.
 */
export function runJobs(jobs: readonly Job[], deps: { db: Queryable; runner: Runner; log: Logger }): () => Promise<void> {
  const running = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
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
  const schedule = (job: Job, firstInSeconds: number) => {
    if (stopped) return;
    const first = setTimeout(() => {
      turn(job);
      const every = setInterval(() => turn(job), job.everySeconds * 1000);
      every.unref();
      timers.push(every);
    }, firstInSeconds * 1000);
    first.unref();
    timers.push(first);
  };
  const scheduled = listSecondsSinceLastRuns(deps.db).then(
    (since) => {
      for (const job of jobs) {
        const elapsed = since.get(job.name);
        schedule(job, elapsed === undefined ? job.everySeconds : Math.max(0, job.everySeconds - elapsed));
      }
    },
    // An unreadable history (the database is down): one interval from now, as on a first start.
    () => {
      for (const job of jobs) schedule(job, job.everySeconds);
    },
  );
  return async () => {
    stopped = true;
    await scheduled;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(running.values());
  };
}
