// Server CPU as the kernel counts it: utime + stime of /proc/<pid>/stat for a process and all its
// descendants (the cluster's workers), plus the Postgres backends of one database (postgres runs on this
// machine, so its backends' /proc entries are readable). Sampled often during a measurement, per pid, so
// that a backend or worker born or gone in the middle is still counted: a pid first seen after the start
// counts from zero, a pid gone counts up to its last sample.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds a pid has used so far, or undefined once it is gone. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** The pid and every descendant's, through /proc/<pid>/task/<tid>/children. */
export function processTree(pid) {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${found[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${found[i]}/task/${task}/children`, 'utf8').trim();
        if (children) found.push(...children.split(' ').map(Number));
      } catch {
        // a thread gone between the two reads
      }
    }
  }
  return found;
}

/** Resident set in KiB (VmRSS), or undefined once the process is gone. */
export function rssKiBOf(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A meter over a set of pids found afresh at each sample (`pids()` may be async: the database is asked).
 * start(), then sample() as often as wished, then stop() answers the CPU ms used since start().
 */
export function cpuMeter(pids) {
  let baseline = new Map();
  let latest = new Map();
  const read = async () => {
    const seen = new Map();
    for (const pid of await pids()) {
      const ms = cpuMsOf(pid);
      if (ms !== undefined) seen.set(pid, ms);
    }
    return seen;
  };
  return {
    async start() {
      baseline = await read();
      latest = new Map(baseline);
    },
    async sample() {
      for (const [pid, ms] of await read()) latest.set(pid, ms);
    },
    async stop() {
      await this.sample();
      let total = 0;
      for (const [pid, ms] of latest) total += ms - (baseline.get(pid) ?? 0);
      return total;
    },
  };
}

/** The pids of the Postgres backends connected to `database`, but the asking connection's own. */
export async function postgresBackends(client, database) {
  const { rows } = await client.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  return rows.map((row) => row.pid);
}
