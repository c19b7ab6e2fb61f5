// Outgoing mail: enqueued in Postgres in the caller's transaction, delivered by a background worker that
// retries with backoff (any instance may deliver; skip-locked claims keep them apart).
import type { Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import { claimDueMails, insertMail, markMailFailed, markMailSent, type OutgoingMail } from './mail-repository.js';
import type { MailTransport } from './transport.js';

export { createTransport, type MailTransport } from './transport.js';
export type { OutgoingMail } from './mail-repository.js';

export interface Mailer {
  enqueue(mail: OutgoingMail, db?: Queryable): Promise<number>;
  /** Sends what is due now; answers how many went out (the worker calls it; tests may too). */
  deliverDue(): Promise<number>;
  startWorker(intervalSeconds: number): () => void;
}

const MAX_ATTEMPTS = 8;
const BATCH = 20;

/** 30 s, 1 min, 2 min… capped at one hour. */
export function retryDelaySeconds(attempts: number): number | undefined {
  if (attempts >= MAX_ATTEMPTS) return undefined;
  return Math.min(30 * 2 ** (attempts - 1), 3600);
}

export function createMailer({ db, transport, log }: { db: Queryable; transport: MailTransport; log: Logger }): Mailer {
  let delivering: Promise<number> | undefined;
  const deliver = async () => {
    let sent = 0;
    for (const mail of await claimDueMails(db, BATCH, 120)) {
      try {
        await transport.send(mail);
        await markMailSent(db, mail.id);
        sent += 1;
        log.info({ event: 'mail.sent', mailId: mail.id }, 'mail.sent');
      } catch (error) {
        const retryIn = retryDelaySeconds(mail.attempts);
        await markMailFailed(db, mail.id, (error as Error).message ?? String(error), retryIn);
        log.warn({ event: retryIn ? 'mail.retry_scheduled' : 'mail.given_up', mailId: mail.id, attempts: mail.attempts, error: (error as Error).message }, 'mail.failed');
      }
    }
    return sent;
  };
  const mailer: Mailer = {
    async enqueue(mail, through = db) {
      const id = await insertMail(through, mail);
      // Delivery starts at once in the background; the caller never waits on SMTP.
      setImmediate(() => { mailer.deliverDue().catch(() => undefined); });
      return id;
    },
    deliverDue() {
      // One delivery round at a time per instance; a call during a round waits for that round.
      delivering ??= deliver().finally(() => { delivering = undefined; });
      return delivering;
    },
    startWorker(intervalSeconds) {
      const timer = setInterval(() => {
        mailer.deliverDue().catch((error) => log.warn({ event: 'mail.worker_failed', err: error }, 'mail.worker_failed'));
      }, intervalSeconds * 1000);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  return mailer;
}
