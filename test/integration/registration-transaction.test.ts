// Registration is one transaction: the account row, its first security event, the verification link and
// the mail queued in the outbox all commit together, or nothing does (a kill -9 or a failing step halfway
// once left accounts without their link). Real Postgres, the real notifier and mail queue.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccounts, type AccountNotifier, type Accounts } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createMailer, createTransport } from '../../src/mail/index.js';
import { createAccountNotifier } from '../../src/services/index.js';
import { createViews } from '../../src/views/index.js';
import { A_PASSWORD } from '../support/builders.js';
import { useFreshDatabase } from '../support/database.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });
const log = createLogger('silent');
const CHEAP_ARGON2 = { ...config.argon2, memoryKiB: 1024, timeCost: 1, parallelism: 1 };

const database = useFreshDatabase();
let accounts: Accounts;
/** The notifier the accounts mail through; a test may swap it for one that fails. */
let notify: AccountNotifier;
let realNotify: AccountNotifier;
let counter = 0;

beforeAll(async () => {
  const transport = createTransport({
    smtpUrl: undefined,
    dataDir: mkdtempSync(join(tmpdir(), 'glc-test-')),
    from: 'GLC <no-reply@example.org>',
  });
  const mailer = createMailer({ db: database.pool, transport, log, policy: config.mail });
  realNotify = createAccountNotifier(createViews(config.projectRoot), mailer);
  notify = realNotify;
  accounts = createAccounts({
    db: database.pool,
    config: { ...config, argon2: CHEAP_ARGON2 },
    log,
    notify: (notice, db) => notify(notice, db),
  });
});

afterEach(() => {
  notify = realNotify;
});

const anAddress = () => `inscription-${Date.now()}-${counter++}@example.org`;

async function traces(email: string) {
  const count = async (sql: string) => (await database.pool.query<{ n: number }>(sql, [email])).rows[0]!.n;
  return {
    accounts: await count('select count(*)::int as n from accounts where lower(email) = lower($1)'),
    events: await count(
      'select count(*)::int as n from security_events e join accounts a on a.id = e.account_id where lower(a.email) = lower($1)',
    ),
    tokens: await count(
      'select count(*)::int as n from account_tokens t join accounts a on a.id = t.account_id where lower(a.email) = lower($1)',
    ),
    mails: await count('select count(*)::int as n from mail_outbox where lower(to_address) = lower($1)'),
  };
}

const NOTHING = { accounts: 0, events: 0, tokens: 0, mails: 0 };

describe('registration as one transaction', () => {
  it('leaves no account when queuing the mail fails inside the transaction (a database constraint)', async () => {
    const email = anAddress();
    // The last step of the registration, the outbox insert, is refused by the database itself.
    await database.pool.query(`create function refuse_mail() returns trigger language plpgsql as $$
      begin raise exception 'outbox refused' using errcode = '23514'; end $$`);
    await database.pool.query('create trigger refuse_mail before insert on mail_outbox for each row execute function refuse_mail()');
    try {
      await expect(accounts.signUp({ email, password: A_PASSWORD }, { linkPath: '/account/email/verify' })).rejects.toThrow(
        'outbox refused',
      );
      await expect(accounts.register({ email, password: A_PASSWORD })).rejects.toThrow('outbox refused');
    } finally {
      await database.pool.query('drop trigger refuse_mail on mail_outbox');
      await database.pool.query('drop function refuse_mail()');
    }
    expect(await traces(email)).toEqual(NOTHING);
  });

  it('leaves no account when the mail port throws after the account, event and link were written', async () => {
    const email = anAddress();
    notify = async () => {
      throw new Error('mail port down');
    };
    await expect(accounts.signUp({ email, password: A_PASSWORD }, { linkPath: '/account/email/verify' })).rejects.toThrow('mail port down');
    expect(await traces(email)).toEqual(NOTHING);
    // Nothing half-written blocks the address: the citizen can simply try again.
    notify = createAccountNotifier(createViews(config.projectRoot), { enqueue: async () => 1 });
    await expect(accounts.signUp({ email, password: A_PASSWORD }, { linkPath: '/account/email/verify' })).resolves.toBeUndefined();
  });

  it('writes the account, its first event, its link and its mail together when all goes well', async () => {
    const email = anAddress();
    await accounts.signUp({ email, password: A_PASSWORD }, { linkPath: '/account/email/verify' });
    expect(await traces(email)).toEqual({ accounts: 1, events: 1, tokens: 1, mails: 1 });
    const account = await accounts.findByEmail(email);
    const { rows } = await database.pool.query<{ account_id: string }>(
      'select account_id from mail_outbox where lower(to_address) = lower($1)',
      [email],
    );
    expect(rows[0]!.account_id).toBe(account!.id);
  });
});
