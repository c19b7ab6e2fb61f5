// Retention (RGPD), the accounts' side: accounts unused for the configured time are warned twice by mail,
// then due for closing (services/retention.ts closes them like a deletion by the citizen); security
// history and the sharing journal are purged after their own time. Safe with several instances: each
// batch is taken with skip locked.
import type { Config } from '../config.js';
import { withTransaction, type Pool } from '../db/index.js';
import { lockInactiveAccounts, recordRetentionWarning, type InactiveAccount } from './account-repository.js';
import { deleteSecurityEventsBefore } from './security-event-repository.js';
import type { AccountNotifier } from './self-service.js';
import { deleteSharingEntriesBefore } from './sharing-journal-repository.js';
import { deleteExpiredAccountTokens } from './token-repository.js';

const DAY_MS = 86_400_000;

export type RetentionWarning = 'first' | 'second';

export interface Retention {
  /** Warns the accounts due for `warning` at `now`, each warning and its mail committed together; answers how many. */
  warn(now: Date, warning: RetentionWarning): Promise<number>;
  /** The accounts warned twice and still unused at `now`: due for closing. */
  closable(now: Date): Promise<InactiveAccount[]>;
  /** Purges the history and the journal older than their time, and the account links long expired. */
  purge(now: Date): Promise<{ purgedEvents: number; purgedJournal: number }>;
}

export function createRetention(deps: {
  pool: Pool;
  config: Pick<Config, 'retention' | 'issuer'>;
  notify?: AccountNotifier | undefined;
}): Retention {
  const { pool, config } = deps;
  const r = config.retention;

  /** Whether the previous mail is at least `days` old (always true before the first one). */
  const warnedBefore = (account: InactiveAccount, now: Date, days: number) =>
    !account.retentionWarnedAt || account.retentionWarnedAt.getTime() <= now.getTime() - days * DAY_MS;

  return {
    async warn(now, warning) {
      const warningsSoFar = warning === 'first' ? 0 : 1;
      const daysBefore = warning === 'first' ? r.firstWarningDaysBefore : r.secondWarningDaysBefore;
      const inactiveSince = new Date(now.getTime() - (r.inactiveAccountDays - daysBefore) * DAY_MS);
      const deleteOn = new Date(now.getTime() + daysBefore * DAY_MS).toISOString().slice(0, 10);
      // The second warning comes at least as long after the first as the schedule puts between them.
      const gapDays = warningsSoFar === 0 ? 0 : r.firstWarningDaysBefore - r.secondWarningDaysBefore;
      return withTransaction(pool, async (db) => {
        const due = (await lockInactiveAccounts(db, inactiveSince, r.batchSize)).filter(
          (a) => a.retentionWarnings === warningsSoFar && warnedBefore(a, now, gapDays),
        );
        for (const account of due) {
          await recordRetentionWarning(db, account.id, now);
          await deps.notify?.(
            {
              kind: 'retention-warning',
              to: account.email,
              locale: account.locale,
              link: `${config.issuer}/account`,
              vars: { deleteOn },
              accountId: account.id,
            },
            db,
          );
        }
        return due.length;
      });
    },

    closable(now) {
      const inactiveSince = new Date(now.getTime() - r.inactiveAccountDays * DAY_MS);
      return withTransaction(pool, async (db) =>
        (await lockInactiveAccounts(db, inactiveSince, r.batchSize)).filter(
          (a) => a.retentionWarnings >= 2 && warnedBefore(a, now, r.secondWarningDaysBefore),
        ),
      );
    },

    async purge(now) {
      const historyBefore = new Date(now.getTime() - r.historyDays * DAY_MS);
      const purged = {
        purgedEvents: await deleteSecurityEventsBefore(pool, historyBefore),
        purgedJournal: await deleteSharingEntriesBefore(pool, historyBefore),
      };
      await deleteExpiredAccountTokens(pool, new Date(now.getTime() - DAY_MS));
      return purged;
    },
  };
}
