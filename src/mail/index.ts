// Outgoing mail: enqueued in Postgres in the caller's transaction, delivered by a background worker that
// retries with backoff (any instance may deliver; skip-locked claims keep them apart). The outbox keeps a
// mail (its links, its address) only as long as it serves: purged `keepDays` after it was sent or given
// up, deleted with its account, or at once when sent for a mail marked eraseOnceSent.
import { afterCommit, type Queryable } from '../db/index.js';
import type { Tunables } from '../config.js';
import type { Logger } from '../log.js';
import {
  claimDueMails,
  deleteFinishedMailsBefore,
  insertMail,
  insertPacedMails,
  markMailFailed,
  markMailSent,
  type MailKeeping,
  type OutgoingMail,
  type PacedMail,
} from './mail-repository.js';
import type { MailTransport } from './transport.js';

export { createTransport, senderOf, type MailTransport } from './transport.js';
export type { MailKeeping, OutgoingMail, PacedMail } from './mail-repository.js';

export interface Mailer {
  /** Queues a mail; given `db` (a transaction's client), it is sent only if that transaction commits. */
  enqueue(mail: OutgoingMail, options?: MailKeeping & { db?: Queryable | undefined }): Promise<number>;
  /** Queues mails that go out no earlier than each one's delay after the transaction's start (the worker waits). */
  enqueuePaced(mails: PacedMail[], options?: { db?: Queryable | undefined }): Promise<number>;
  /**
   * Sends what is due now; answers how many went out. The deployment's background work (background/) calls it
   * every `pollIntervalSeconds` in one process; an enqueue calls it after its commit; tests may too.
   */
  deliverDue(): Promise<number>;
  /** Deletes the mails sent or given up more than `keepDays` before `now` (a parameter for tests); answers how many. */
  purge(now?: Date): Promise<number>;
}

/** How the outbox delivers, retries and forgets (config/default.json, mail). */
export type MailPolicy = Tunables['mail'];

const DAY_MS = 86_400_000;

/**
 * How long after the series' start the `index`-th mail of a paced series may go out: `perMinute` a minute, evenly
 * spaced, so that a thousand citizens told at once reach the mail server (and its reputation) as a trickle.
 */
export function pacedDelaySeconds(index: number, perMinute: number): number {
  return (index * 60) / perMinute;
}

/** firstRetrySeconds, then twice as long each time, capped at maxRetrySeconds; undefined once maxAttempts are spent. */
export function retryDelaySeconds(
  attempts: number,
  policy: Pick<MailPolicy, 'maxAttempts' | 'firstRetrySeconds' | 'maxRetrySeconds'>,
): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  return Math.min(policy.firstRetrySeconds * 2 ** (attempts - 1), policy.maxRetrySeconds);
}

export function createMailer({
  db,
  transport,
  log,
  policy,
}: {
  db: Queryable;
  transport: MailTransport;
  log: Logger;
  policy: MailPolicy;
}): Mailer {
  let delivering: Promise<number> | undefined;
  let followUp: Promise<number> | undefined;
  const next = () => {
    followUp = undefined;
    return mailer.deliverDue();
  };
  const deliver = async () => {
    let sent = 0;
    for (const mail of await claimDueMails(db, policy.batchSize, policy.claimSeconds)) {
      try {
        await transport.send(mail);
        await markMailSent(db, mail.id);
        sent += 1;
        log.info({ event: 'mail.sent', mailId: mail.id }, 'mail.sent');
      } catch (error) {
        const retryIn = retryDelaySeconds(mail.attempts, policy);
        await markMailFailed(db, mail.id, error instanceof Error ? error.message : String(error), retryIn);
        log.warn(
          {
            event: retryIn ? 'mail.retry_scheduled' : 'mail.given_up',
            mailId: mail.id,
            attempts: mail.attempts,
            error: (error as Error).message,
          },
          'mail.failed',
        );
      }
    }
    return sent;
  };
  const mailer: Mailer = {
    async enqueue(mail, { db: through = db, ...keeping } = {}) {
      const id = await insertMail(through, mail, keeping);
      // Delivery starts once the mail is committed, in the background: the caller never waits on SMTP.
      await afterCommit(through, () => {
        setImmediate(() => {
          mailer.deliverDue().catch(() => undefined);
        });
      });
      return id;
    },
    async enqueuePaced(mails, { db: through = db } = {}) {
      const queued = await insertPacedMails(through, mails);
      // The first ones may be due at once: a round after the commit sends them, the worker the rest.
      await afterCommit(through, () => {
        setImmediate(() => {
          mailer.deliverDue().catch(() => undefined);
        });
      });
      return queued;
    },
    deliverDue() {
      // One delivery round at a time per instance. A call during a round may follow a mail that round did not
      // claim (queued after it started): it waits for one more round after it, shared by every such call.
      if (delivering === undefined) {
        delivering = deliver().finally(() => {
          delivering = undefined;
        });
        return delivering;
      }
      followUp ??= delivering.then(
        () => next(),
        () => next(),
      );
      return followUp;
    },
    async purge(now = new Date()) {
      const before = new Date(now.getTime() - policy.keepDays * DAY_MS);
      let purged = 0;
      let batch: number;
      do {
        batch = await deleteFinishedMailsBefore(db, before, policy.purgeBatchSize);
        purged += batch;
      } while (batch === policy.purgeBatchSize);
      if (purged > 0) log.info({ event: 'mail.purged', purged }, 'mail.purged');
      return purged;
    },
  };
  return mailer;
}
