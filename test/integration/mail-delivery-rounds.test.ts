// Whoever asks for delivery gets the mails queued before the ask sent, even when a round that started earlier
// (and claimed only the mails there were then) is still sending: the ask waits for one more round after it.
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMailer, type MailTransport } from '../../src/mail/index.js';
import { useFreshDatabase } from '../support/database.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });
const database = useFreshDatabase();

const aMail = (to: string) => ({ to, subject: 'Bonjour', text: 'Bonjour', html: '<p>Bonjour</p>' });

describe('a delivery asked while a round is sending', () => {
  it('sends a mail queued after that round began before it answers', async () => {
    const sent: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstSending: () => void = () => undefined;
    const isFirstSending = new Promise<void>((resolve) => (firstSending = resolve));
    const transport: MailTransport = {
      async send(mail) {
        if (mail.to === 'premier@example.org') {
          firstSending();
          await firstHeld;
        }
        sent.push(mail.to);
      },
      close: () => undefined,
    };
    const mailer = createMailer({ db: database.pool, transport, log: createLogger('silent'), policy: config.mail });
    await mailer.enqueue(aMail('premier@example.org')); // its commit starts a round, which holds on this mail
    await isFirstSending;
    await mailer.enqueue(aMail('second@example.org'));
    const asked = mailer.deliverDue();
    releaseFirst();
    await asked;
    expect(sent).toEqual(['premier@example.org', 'second@example.org']);
  });
});
