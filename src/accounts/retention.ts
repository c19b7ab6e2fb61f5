// Retention (RGPD): accounts unused for the configured time are warned twice by mail, then closed like a
// deletion by the citizen; security history and the sharing journal are purged after their own time.
// Safe with several instances: each batch is taken with skip locked.
import type { Config } from '../config.js';
import { withTransaction, type Pool } from '../db/index.js';
import type { Logger } from '../log.js';
import { lockInactiveAccounts, recordRetentionWarning, type InactiveAccount } from './account-repository.js';
import { deleteSecurityEventsBefore } from './security-event-repository.js';
import type { AccountPorts, SelfService } from './self-service.js';
import { deleteSharingEntriesBefore } from './sharing-journal-repository.js';
import { deleteExpiredAccountTokens } from './token-repository.js';

const DAY_MS = 86_400_000;

export interface RetentionReport {
  firstWarnings: number;
  secondWarnings: number;
  deleted: number;
  purgedEvents: number;
  purgedJournal: number;
}

export function createRetention(deps: {
  pool: Pool;
  config: Pick<Config, 'retention' | 'issuer'>;
  selfService: SelfService;
  ports: () => AccountPorts;
  log: Logger;
}) {
  const { pool, config, log } = deps;
  const r = config.retention;

  /** Whether the previous mail is at least `days` old (always true before the first one). */
  const warnedBefore = (account: InactiveAccount, now: Date, days: number) =>
    !account.retentionWarnedAt || account.retentionWarnedAt.getTime() <= now.getTime() - days * DAY_MS;

  async function warn(now: Date, warningsSoFar: number, daysBefore: number): Promise<number> {
    const inactiveSince = new Date(now.getTime() - (r.inactiveAccountDays - daysBefore) * DAY_MS);
    const deleteOn = new Date(now.getTime() + daysBefore * DAY_MS).toISOString().slice(0, 10);
    // The second warning comes at least as long after the first as the schedule puts between them.
    const gapDays = warningsSoFar === 0 ? 0 : r.firstWarningDaysBefore - r.secondWarningDaysBefore;
    const warned = await withTransaction(pool, async (db) => {
      const due = (await lockInactiveAccounts(db, inactiveSince, r.batchSize))
        .filter((a) => a.retentionWarnings === warningsSoFar && warnedBefore(a, now, gapDays));
      for (const account of due) await recordRetentionWarning(db, account.id, now);
      return due;
    });
    // Mailed once the warnings are committed: the mail queue takes a connection of its own, which the
    // embedded database (a pool of one) could not give while the transaction holds it.
    for (const account of warned) {
      await deps.ports().notify({ kind: 'retention-warning', to: account.email, locale: account.locale, link: `${config.issuer}/account`, vars: { deleteOn }, accountId: account.id });
    }
    return warned.length;
  }

  async function closeExpired(now: Date): Promise<number> {
    const inactiveSince = new Date(now.getTime() - r.inactiveAccountDays * DAY_MS);
    const due = await withTransaction(pool, async (db) => (await lockInactiveAccounts(db, inactiveSince, r.batchSize))
      .filter((a) => a.retentionWarnings >= 2 && warnedBefore(a, now, r.secondWarningDaysBefore)));
    for (const account of due) await deps.selfService.closeAccount(account);
    return due.length;
  }

  return {
    /** One pass of the job at `now` (a parameter, so that tests control the clock). */
    async run(now: Date = new Date()): Promise<RetentionReport> {
      const historyBefore = new Date(now.getTime() - r.historyDays * DAY_MS);
      const report: RetentionReport = {
        firstWarnings: await warn(now, 0, r.firstWarningDaysBefore),
        secondWarnings: await warn(now, 1, r.secondWarningDaysBefore),
        deleted: await closeExpired(now),
        purgedEvents: await deleteSecurityEventsBefore(pool, historyBefore),
        purgedJournal: await deleteSharingEntriesBefore(pool, historyBefore),
      };
      await deleteExpiredAccountTokens(pool, new Date(now.getTime() - DAY_MS));
      if (report.firstWarnings + report.secondWarnings + report.deleted > 0) log.info({ event: 'retention.ran', ...report }, 'retention.ran');
      return report;
    },
    start(): () => void {
      const timer = setInterval(() => {
        this.run().catch((error) => log.warn({ event: 'retention.failed', err: error }, 'retention.failed'));
      }, r.intervalSeconds * 1000);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
