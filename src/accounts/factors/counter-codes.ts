// Counter codes, the account's side (domain): a code is kept only as a keyed digest of its normalised form;
// spending one sets the password the citizen chose, removes every second factor and tells the citizen, all
// in the caller's transaction. Who may issue one, and the sessions and tokens that end, are decided above.
import type { PoolClient } from '../../db/index.js';
import type { Locale } from '../../locale.js';
import type { Sealer } from '../../sealing.js';
import { updatePasswordHash } from '../account-repository.js';
import { insertSecurityEvent } from '../security-event-repository.js';
import type { AccountNotifier, Origin } from '../self-service.js';
import { expireAccountTokens } from '../token-repository.js';
import { newCounterCode, normaliseCode } from './counter-code.js';
import { insertCounterCode, spendCounterCode } from './counter-code-repository.js';

export interface CounterCodeIssue {
  accountId: string;
  communeSlug: string;
  /** The agent, as the audit names them ('client:…', 'account:…', 'cli'). */
  issuedBy: string;
  issuedByLabel?: string | undefined;
  ttlSeconds: number;
}

export interface CounterCodeRecovery {
  account: { id: string; email: string; locale: Locale };
  code: string;
  /** The new password, already checked against the policy and hashed (accounts' bounded queue). */
  passwordHash: string;
  origin?: Origin | undefined;
}

export interface CounterCodes {
  /** A fresh code for the account, which voids its earlier unused ones; the code itself is never stored. */
  issue(tx: PoolClient, issue: CounterCodeIssue): Promise<{ code: string; expiresAt: Date }>;
  /**
   * Spends the code and recovers the account: new password, pending reset links void, every second factor
   * removed, the history line and the mail naming the commune. Undefined (nothing changed) for a code that
   * is not the account's live one.
   */
  recover(tx: PoolClient, recovery: CounterCodeRecovery): Promise<{ communeSlug: string; communeName: string } | undefined>;
}

export interface CounterCodesDeps {
  sealer: Pick<Sealer, 'digest'>;
  /** Removes every second factor of the account in the given transaction (Factors.removeAll). */
  removeFactors: (accountId: string, tx: PoolClient) => Promise<void>;
  /** Without it (the command line), no mail is queued. */
  notify?: AccountNotifier | undefined;
}

export function createCounterCodes({ sealer, removeFactors, notify }: CounterCodesDeps): CounterCodes {
  // Typed with or without dashes, spaces or lower case, a code digests the same.
  const digest = (code: string) => sealer.digest(`counter:${normaliseCode(code)}`);
  return {
    async issue(tx, { accountId, communeSlug, issuedBy, issuedByLabel, ttlSeconds }) {
      const code = newCounterCode();
      const { expiresAt } = await insertCounterCode(tx, {
        accountId,
        digest: digest(code),
        communeSlug,
        issuedBy,
        issuedByLabel,
        expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      });
      return { code, expiresAt };
    },

    async recover(tx, { account, code, passwordHash, origin = {} }) {
      const spent = await spendCounterCode(tx, account.id, digest(code));
      if (!spent) return undefined;
      await updatePasswordHash(tx, account.id, passwordHash);
      // A reset link mailed before (perhaps to a mailbox that is no longer the citizen's) must not undo this.
      await expireAccountTokens(tx, account.id, 'reset-password');
      await removeFactors(account.id, tx);
      await insertSecurityEvent(tx, { accountId: account.id, kind: 'recovered_at_counter', detail: spent.communeName, ...origin });
      await notify?.(
        {
          kind: 'recovered-at-counter',
          to: account.email,
          locale: account.locale,
          accountId: account.id,
          vars: { commune: spent.communeName },
        },
        tx,
      );
      return spent;
    },
  };
}
