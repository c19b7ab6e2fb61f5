// The retention job (RGPD): warns unused accounts twice (accounts/retention.ts), closes those still
// unused like a deletion by the citizen (account-changes.ts), purges old history.
import type { Accounts } from '../accounts/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { AccountChanges } from './account-changes.js';

export interface RetentionReport {
  firstWarnings: number;
  secondWarnings: number;
  deleted: number;
  purgedEvents: number;
  purgedJournal: number;
}

export interface RetentionJob {
  /**
   * One pass of the job at `now` (a parameter, so that tests control the clock). The deployment's background
   * work (background/) runs it every retention.intervalSeconds in one process.
   */
  run(now?: Date): Promise<RetentionReport>;
}

export function createRetentionJob(deps: {
  accounts: Pick<Accounts, 'retention'>;
  changes: Pick<AccountChanges, 'closeAccount'>;
  config: Pick<Config, 'retention'>;
  log: Logger;
}): RetentionJob {
  const { retention } = deps.accounts;
  const job: RetentionJob = {
    async run(now = new Date()) {
      const firstWarnings = await retention.warn(now, 'first');
      const secondWarnings = await retention.warn(now, 'second');
      const due = await retention.closable(now);
      for (const account of due) await deps.changes.closeAccount(account);
      const report: RetentionReport = { firstWarnings, secondWarnings, deleted: due.length, ...(await retention.purge(now)) };
      if (report.firstWarnings + report.secondWarnings + report.deleted > 0)
        deps.log.info({ event: 'retention.ran', ...report }, 'retention.ran');
      return report;
    },
  };
  return job;
}
