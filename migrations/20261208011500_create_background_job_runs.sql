-- Up Migration
-- The deployment's background jobs (sweeping, mail delivery and purge, retention) run in the one process that
-- holds their advisory lock: each run is counted here under the job and the process that ran it, so that an
-- operator (and the cluster's test) sees which process does the work and that no other does it too. A row per
-- (job, process): a process that took the work over starts its own rows; the sweep forgets rows a month old.
create table background_job_runs (
  job text not null check (char_length(job) between 1 and 100),
  runner_host text not null check (char_length(runner_host) between 1 and 255),
  runner_pid integer not null check (runner_pid > 0),
  started_at timestamptz not null default now(),
  runs bigint not null default 1 check (runs > 0),
  last_run_at timestamptz not null default now(),
  primary key (job, runner_host, runner_pid, started_at)
);
create index background_job_runs_last_run_at_idx on background_job_runs (last_run_at);
