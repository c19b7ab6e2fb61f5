// All SQL about the background jobs' runs: one row per (job, process), counted at each run.
import type { Queryable } from '../db/index.js';

/** Who runs the jobs: a process of the deployment, named by its machine, its pid and when it started. */
export interface Runner {
  host: string;
  pid: number;
  startedAt: Date;
}

export async function recordJobRun(db: Queryable, job: string, runner: Runner): Promise<void> {
  await db.query(
    `insert into background_job_runs (job, runner_host, runner_pid, started_at) values ($1, $2, $3, $4)
     on conflict (job, runner_host, runner_pid, started_at)
     do update set runs = background_job_runs.runs + 1, last_run_at = now()`,
    [job, runner.host, runner.pid, runner.startedAt],
  );
}

/** Rows of processes that ran nothing since `before` (a month is long enough to look back at a takeover). */
export async function deleteJobRunsBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('delete from background_job_runs where last_run_at < $1', [before]);
  return rowCount ?? 0;
}

/** How long ago (by the database's clock, which every process shares) each job last started, by job. */
export async function listSecondsSinceLastRuns(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ job: string; seconds: number }>(
    `select job, extract(epoch from now() - max(last_run_at))::float8 as seconds from background_job_runs group by job`,
  );
  return new Map(rows.map((row) => [row.job, row.seconds]));
}
