// Creating an account is one transaction: the row, its first security event, the verification link and
// its mail in the outbox. A crash (kill -9) or a failure at any step leaves nothing half-written.
// A citizen's own sign-up (signUp) answers the same whether or not the address already has an account:
// the owner of a taken address is told by mail instead, so the form is no oracle of who has an account.
import type { Config } from '../config.js';
import { withTransaction, type Pool, type PoolClient } from '../db/index.js';
import { conflict, invalid } from '../errors.js';
import type { Logger } from '../log.js';
import { maskEmail } from '../log.js';
import { DEFAULT_LOCALE, type Locale } from '../locale.js';
import { findAccountByEmail, insertAccount, type Account, type AccountWithHash, type NewAccount } from './account-repository.js';
import type { CommonPasswords } from './common-passwords.js';
import { normaliseEmail } from './email-address.js';
import { checkPasswordPolicy, type Passwords } from './passwords.js';
import { insertSecurityEvent } from './security-event-repository.js';
import type { AccountNotifier, Origin, SelfService } from './self-service.js';

export interface Registration {
  email: string;
  password: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale?: Locale | undefined;
  emailVerified?: boolean;
  /** The site the citizen registered from (new accounts per commune). */
  registeredViaClient?: string | undefined;
}

export interface SignUpOptions {
  /** Where the verification link leads (the page that lets the flow that sent the citizen go on). */
  linkPath: string;
}

interface RegistrationDeps {
  pool: Pool;
  config: Pick<Config, 'passwordPolicy' | 'issuer'>;
  passwords: Passwords;
  commonPasswords: CommonPasswords;
  selfService: SelfService;
  notify?: AccountNotifier | undefined;
  log: Logger;
}

function withoutHash({ passwordHash: _ignored, ...account }: AccountWithHash): Account {
  return account;
}

export function createRegistration(deps: RegistrationDeps) {
  const { pool, config, passwords, log } = deps;

  /** Checks the input and hashes the password, before any connection is held (argon2 takes a while). */
  async function prepare(registration: Registration): Promise<NewAccount> {
    const email = normaliseEmail(registration.email);
    const problem = checkPasswordPolicy(registration.password, email, config.passwordPolicy, deps.commonPasswords);
    if (problem) throw invalid(problem, 'password does not meet the policy', { field: 'password' });
    return {
      email,
      emailVerified: registration.emailVerified ?? false,
      passwordHash: await passwords.hash(registration.password),
      givenName: registration.givenName?.trim() || undefined,
      familyName: registration.familyName?.trim() || undefined,
      locale: registration.locale ?? DEFAULT_LOCALE,
      registeredViaClient: registration.registeredViaClient,
    };
  }

  /** Inside `tx`: the account, its first event, its link and mail; undefined when the address is taken. */
  async function create(tx: PoolClient, registration: NewAccount, origin: Origin, linkPath?: string): Promise<Account | undefined> {
    const inserted = await insertAccount(tx, registration);
    if (!inserted) return undefined;
    const account = withoutHash(inserted);
    await insertSecurityEvent(tx, { accountId: account.id, kind: 'account_created', ...origin });
    await deps.selfService.sendVerification(account, { db: tx, linkPath });
    return account;
  }

  function logCreated(account: Account) {
    log.info({ event: 'account.registered', accountId: account.id, email: maskEmail(account.email) }, 'account.registered');
  }

  return {
    /** For operators (glc account add, imports): a taken address is refused as such. Joins `db`'s transaction when it is one. */
    register: async (registration: Registration, origin: Origin = {}, db: Pool | PoolClient = pool): Promise<Account> => {
      const prepared = await prepare(registration);
      const account = await withTransaction(db, (tx) => create(tx, prepared, origin));
      if (!account) throw conflict('email_taken', 'an account already uses this email');
      logCreated(account);
      return account;
    },

    /**
     * A citizen's own sign-up. Answers nothing: a new address gets its verification link (the account
     * exists, unverified, from then on); a taken one gets a mail telling its owner, and nothing changes.
     */
    signUp: async (registration: Registration, options: SignUpOptions, origin: Origin = {}): Promise<void> => {
      const prepared = await prepare(registration);
      const account = await withTransaction(pool, async (tx) => {
        const created = await create(tx, prepared, origin, options.linkPath);
        if (created) return created;
        const owner = await findAccountByEmail(tx, prepared.email);
        if (owner) {
          await deps.notify?.(
            {
              kind: 'registration-attempted',
              to: owner.email,
              locale: owner.locale,
              accountId: owner.id,
              link: `${config.issuer}/account/password/forgot?ui_locales=${owner.locale}`,
            },
            tx,
          );
        }
        return undefined;
      });
      if (account) logCreated(account);
      else
        log.info(
          { event: 'account.registration_for_taken_email', email: maskEmail(prepared.email) },
          'account.registration_for_taken_email',
        );
    },
  };
}
