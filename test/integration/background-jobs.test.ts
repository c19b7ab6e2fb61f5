// The background jobs' schedule across processes (background/jobs.ts): a process that takes the work over goes
// on from the deployment's last run of each job, as background_job_runs records it, not from its own start.
import { runJobs, type Job } from '../../src/background/jobs.js';
import { createLogger } from '../../src/log.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const HOUR = 3600;
const log = createLogger('silent');
let database: TestDatabase;

beforeAll(async () => {
  database = await freshDatabase();
}, 60_000);
afterAll(async () => {
  await database.drop();
}, 60_000);

/** A job that counts its runs and tells when it has run. */
function aJob(name: string) {
  let ran!: () => void;
  const hasRun = new Promise<void>((resolve) => (ran = resolve));
  const job = {
    name,
    everySeconds: HOUR,
    runs: 0,
    run: () => {
      job.runs += 1;
      ran();
      return Promise.resolve();
    },
  } satisfies Job & { runs: number };
  return { job, hasRun };
}

async function lastRanAgo(job: string, seconds: number) {
  await database.pool.query(
    `insert into background_job_runs (job, runner_host, runner_pid, started_at, last_run_at)
     values ($1, 'elsewhere', 4242, now() - interval '2 days', now() - make_interval(secs => $2))`,
    [job, seconds],
  );
}

const runner = { host: 'here', pid: process.pid, startedAt: new Date() };

describe('the background jobs taken over', () => {
  it('runs at once a job whose interval has passed since the deployment last ran it, and waits for one that ran lately', async () => {
    await lastRanAgo('overdue', HOUR + 60);
    await lastRanAgo('recent', 60);
    const overdue = aJob('overdue');
    const recent = aJob('recent');
    const stop = runJobs([overdue.job, recent.job], { db: database.pool, runner, log });
    await overdue.hasRun;
    await stop();
    expect(overdue.job.runs).toBe(1);
    expect(recent.job.runs).toBe(0);
    const { rows } = await database.pool.query<{ job: string; runs: number }>(
      `select job, runs from background_job_runs where runner_host = 'here' order by job`,
    );
    expect(rows).toEqual([{ job: 'overdue', runs: 1 }]);
  });

  it('waits a whole interval for a job the deployment never ran', async () => {
    const never = aJob('never-ran');
    const overdue = aJob('overdue-again');
    await lastRanAgo('overdue-again', 2 * HOUR);
    const stop = runJobs([never.job, overdue.job], { db: database.pool, runner, log });
    await overdue.hasRun;
    await stop();
    expect(never.job.runs).toBe(0);
  });
});
