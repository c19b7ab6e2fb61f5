// Mail from the command line: queued in the outbox like the server's, then delivered before the command
// returns, so that it goes out even when no server runs (a failed send stays queued for the server's retries).
import { createMailer, createTransport, senderOf, type Mailer } from '../mail/index.js';
import type { CliContext } from './context.js';

export interface CliMailer {
  mailer: Mailer;
  /** Sends what the command queued (after its transaction committed) and releases the transport. */
  flush(): Promise<void>;
}

export function cliMailer(context: CliContext): CliMailer {
  const { config } = context;
  const transport = createTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: senderOf(config.issuer) });
  const mailer = createMailer({ db: context.db.pool, transport, log: context.log, policy: config.mail });
  return {
    mailer,
    async flush() {
      try {
        // enqueue starts a round at once; one that began before the commit could not see the mail: a second
        // round, begun after the first has finished, does.
        await mailer.deliverDue();
        await mailer.deliverDue();
      } finally {
        transport.close();
      }
    },
  };
}
