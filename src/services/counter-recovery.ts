// Recovery at the counter: an agent of a town hall, having checked the citizen's identity in person, issues
// a one-time code (audited with the agent and the commune, never the code); with it the citizen sets a new
// password, loses every second factor, and every session and token of the account ends. Accounts are
// territorial: an agent of Bron may help any citizen, and the audit and the citizen's history name Bron.
import type { Accounts, Origin } from '../accounts/index.js';
import type { CounterCodes } from '../accounts/index.js';
import type { Config } from '../config.js';
import { withTransaction, type Pool } from '../db/index.js';
import { AppError, invalid, notFound } from '../errors.js';
import { maskEmail } from '../log.js';
import type { CitizenSessions } from '../oidc/index.js';
import { audited, canIssueCounterCodes, type Actor, type Principal } from '../operators/index.js';
import type { Communes } from '../registry/index.js';

/** What issuing a code takes (the command line composes only this). */
export interface CounterCodeIssuerDeps {
  pool: Pool;
  config: Pick<Config, 'counterRecovery'>;
  accounts: Pick<Accounts, 'findByEmail'>;
  codes: Pick<CounterCodes, 'issue'>;
  communes: Pick<Communes, 'getCommune'>;
}

export interface CounterRecoveryDeps extends CounterCodeIssuerDeps {
  codes: CounterCodes;
  /** Checks a new password against the policy for this address (refused with its code) and hashes it in accounts' bounded queue. */
  hashNewPassword: (email: string, password: string) => Promise<string>;
  /** The same revocation as a password reset: every session, grant and token of the account. */
  citizen: Pick<CitizenSessions, 'revokeEverything'>;
}

export interface CounterCodeRequest {
  email: string;
  /** The slug of the commune whose counter hands the code over. */
  commune: string;
}

export interface CounterRecoveryRequest {
  email: string;
  code: string;
  newPassword: string;
}

export interface CounterRecovery {
  /**
   * A fresh code for the citizen of `email`, voiding their earlier unused one. `authority` is who asks: an
   * operator must be a counter agent of the commune (403 otherwise, before anything is looked up); the
   * command line may issue for any commune. An unknown address is a 404 `account_not_found`: the agent has
   * the citizen in front of them.
   */
  issueCounterCode(by: Actor, request: CounterCodeRequest, authority: Principal | 'cli'): Promise<{ code: string; expiresAt: Date }>;
  /**
   * Recovers the account with its code. An unknown address and a wrong, expired or spent code are one
   * refusal (`counter_code_invalid`), after the same work (the new password is hashed in every case).
   */
  recoverAtCounter(request: CounterRecoveryRequest, origin?: Origin): Promise<{ accountId: string; communeName: string }>;
}

const refused = () => invalid('counter_code_invalid', 'unknown address, or a code wrong, expired or spent', { field: 'code' });

/** Issuing alone: the command line's part of the service. */
export function createCounterCodeIssuer({
  pool,
  config,
  accounts,
  codes,
  communes,
}: CounterCodeIssuerDeps): Pick<CounterRecovery, 'issueCounterCode'> {
  return {
    async issueCounterCode(by, { email, commune: slug }, authority) {
      if (authority !== 'cli' && !canIssueCounterCodes(authority, slug)) {
        throw new AppError('counter_agent_only', 'forbidden', `only a counter agent of "${slug}" may issue its counter codes`);
      }
      const commune = await communes.getCommune(slug);
      const account = await accounts.findByEmail(email);
      if (!account) throw notFound('account_not_found', 'no account with this email');
      return audited(pool, by, async (tx) => {
        const issued = await codes.issue(tx, {
          accountId: account.id,
          communeSlug: commune.slug,
          issuedBy: by.actor,
          issuedByLabel: by.label,
          ttlSeconds: config.counterRecovery.codeTtlSeconds,
        });
        return {
          result: issued,
          audit: {
            action: 'account.counter_code_issued',
            target: `account:${account.id}`,
            communeSlug: commune.slug,
            after: { email: maskEmail(account.email), commune: commune.slug, expires_at: issued.expiresAt.toISOString() },
          },
        };
      });
    },
  };
}

export function createCounterRecovery(deps: CounterRecoveryDeps): CounterRecovery {
  const { pool, accounts, hashNewPassword, codes, citizen } = deps;
  return {
    ...createCounterCodeIssuer(deps),

    async recoverAtCounter({ email, code, newPassword }, origin = {}) {
      // Hashed before anything is looked up: a known and an unknown address take the same time.
      const passwordHash = await hashNewPassword(email, newPassword);
      const account = await accounts.findByEmail(email);
      if (!account || !code) throw refused();
      const recovered = await withTransaction(pool, (tx) => codes.recover(tx, { account, code, passwordHash, origin }));
      if (!recovered) throw refused();
      // As after a password reset: once the new password is committed, nothing obtained before survives.
      await citizen.revokeEverything(account.id);
      return { accountId: account.id, communeName: recovered.communeName };
    },
  };
}
