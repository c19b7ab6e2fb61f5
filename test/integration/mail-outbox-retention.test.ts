// The outbox forgets: live links (verification, reset, email change) and the addresses of citizens do not
// stay in the database. A mail sent or given up is purged `mail.keepDays` later; a deleted account's mails
// go with it at once, and its goodbye mail as soon as it is sent. Real Postgres, real accounts and queue;
// the transport (SMTP or .eml files) is replaced by one that records, or one that always fails.
import { createAccounts, type Accounts } from '../../src/accounts/index.js';
import { createAccountNotifier } from '../../src/services/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMailer, type Mailer, type MailTransport } from '../../src/mail/index.js';
import { createViews } from '../../src/views/index.js';
import { A_PASSWORD } from '../support/builders.js';
import { useFreshDatabase } from '../support/database.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });
const log = createLogger('silent');
const CHEAP_ARGON2 = { ...config.argon2, memoryKiB: 1024, timeCost: 1, parallelism: 1 };
const DAY_MS = 86_400_000;

const database = useFreshDatabase();
let accounts: Accounts;
let mailer: Mailer;
let isTransportDown = false;
const sent: { to: string; text: string }[] = [];
let counter = 0;

beforeAll(async () => {
  const transport: MailTransport = {
    async send(mail) {
      if (isTransportDown) throw new Error('451 mailbox unavailable');
      sent.push({ to: mail.to, text: mail.text });
    },
    close: () => undefined,
  };
  mailer = createMailer({ db: database.pool, transport, log, policy: config.mail });
  const notify = createAccountNotifier(createViews(config.projectRoot), mailer);
  accounts = createAccounts({
    db: database.pool,
    config: { ...config, argon2: CHEAP_ARGON2 },
    log,
    notify,
  });
});

afterEach(() => {
  isTransportDown = false;
});

const anAddress = () => `boite-${Date.now()}-${counter++}@example.org`;

/** Every outbox row that names `address` or carries `text` in a body. */
async function rowsAbout(address: string, text = address) {
  const { rows } = await database.pool.query<{ subject: string; sent_at: Date | null; failed_at: Date | null }>(
    `select subject, sent_at, failed_at from mail_outbox
     where lower(to_address) = lower($1) or strpos(text_body, $2) > 0 or strpos(html_body, $2) > 0 order by id`,
    [address, text],
  );
  return rows;
}

const tokenIn = (text: string) => /\?token=([\w-]+)/.exec(text)![1]!;

describe('the outbox keeps a mail only while it serves', () => {
  it('purges a sent verification mail, its link and its address, once mail.keepDays have passed', async () => {
    const email = anAddress();
    await accounts.register({ email, password: A_PASSWORD });
    await mailer.deliverDue();
    const token = tokenIn(sent.find((mail) => mail.to === email)!.text);
    expect(await rowsAbout(email, token)).toHaveLength(1);

    const sentAt = new Date();
    await mailer.purge(new Date(sentAt.getTime() + (config.mail.keepDays - 1) * DAY_MS));
    expect(await rowsAbout(email, token)).toHaveLength(1);
    await mailer.purge(new Date(sentAt.getTime() + (config.mail.keepDays + 1) * DAY_MS));
    expect(await rowsAbout(email, token)).toEqual([]);
  });

  it('keeps a mail while it is retried, and purges it mail.keepDays after its last attempt failed', async () => {
    const email = anAddress();
    isTransportDown = true;
    await accounts.register({ email, password: A_PASSWORD });
    // Each failure schedules the next attempt later; the test brings each one forward instead of waiting.
    // (A round may find nothing due, so it goes on until the mail is given up, at most a few more rounds.)
    for (let round = 0; round < 16 && (await rowsAbout(email))[0]!.failed_at === null; round++) {
      await mailer.purge(new Date(Date.now() + 365 * DAY_MS));
      expect(await rowsAbout(email)).toHaveLength(1);
      await database.pool.query('update mail_outbox set send_after = now() where lower(to_address) = lower($1)', [email]);
      await mailer.deliverDue();
    }
    const [givenUp] = await rowsAbout(email);
    expect(givenUp!.failed_at).toBeInstanceOf(Date);
    expect(
      (await database.pool.query('select attempts from mail_outbox where lower(to_address) = lower($1)', [email])).rows[0].attempts,
    ).toBe(8);
    await mailer.purge(new Date(Date.now() + (config.mail.keepDays - 1) * DAY_MS));
    expect(await rowsAbout(email)).toHaveLength(1);
    await mailer.purge(new Date(Date.now() + (config.mail.keepDays + 1) * DAY_MS));
    expect(await rowsAbout(email)).toEqual([]);
  });

  it('leaves no mail naming a deleted account, at its address or a former one, once its goodbye is sent', async () => {
    const former = anAddress();
    const current = anAddress();
    const account = await accounts.register({ email: former, password: A_PASSWORD });
    await accounts.selfService.requestEmailChange(account.id, current, A_PASSWORD);
    await mailer.deliverDue();
    await accounts.selfService.confirmEmailChange(tokenIn(sent.find((mail) => mail.to === current)!.text));
    // A reset link still waiting in the queue when the account goes.
    isTransportDown = true;
    accounts.selfService.requestPasswordReset(current);
    const isResetQueued = async () => (await rowsAbout(current)).some((row) => row.subject.includes('mot de passe'));
    for (let round = 0; round < 200 && !(await isResetQueued()); round++) await new Promise((resolve) => setImmediate(resolve));
    expect(await isResetQueued()).toBe(true);
    expect((await rowsAbout(former)).length).toBeGreaterThan(0);

    isTransportDown = false;
    await accounts.selfService.closeAccount({ id: account.id, email: current, locale: 'fr' });
    // Gone in the deletion itself: only the goodbye mail may still wait (it may already have left).
    expect(await rowsAbout(former)).toEqual([]);
    expect((await rowsAbout(current)).filter((row) => !row.subject.includes('Votre compte a été supprimé'))).toEqual([]);

    const isGoodbyeSent = () => sent.some((mail) => mail.to === current && mail.text.includes('supprimé'));
    for (let round = 0; round < 10 && !isGoodbyeSent(); round++) await mailer.deliverDue();
    expect(isGoodbyeSent()).toBe(true);
    expect(await rowsAbout(current)).toEqual([]);
  });
});
