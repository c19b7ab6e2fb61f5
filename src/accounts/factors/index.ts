// Second factors of an account (domain): the authenticator app, recovery codes and passkeys, their secrets
// sealed or hashed, every change in the citizen's security history and mailed to them. The sign-in steps
// that use them are in interactions/.
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../../db/index.js';
import type { Sealer } from '../../sealing.js';
import { findAccountById } from '../account-repository.js';
import { insertSecurityEvent } from '../security-event-repository.js';
import type { AccountNotifier, NoticeKind, Origin } from '../self-service.js';
import { normaliseCode } from './readable-code.js';
import { countRecoveryCodes, deleteRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode } from './recovery-code-repository.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { deleteExpiredSignInSteps, deleteSignInStep, findSignInStep, putSignInStep, type SignInStep } from './sign-in-step-repository.js';
import { deleteExpiredChallenges } from './passkey-repository.js';
import { createPasskeys, type Passkeys } from './passkeys.js';
import { deleteExpiredCounterCodes } from './counter-code-repository.js';
import { deleteSecondFactors, hasSecondFactor } from './second-factor-repository.js';
import { claimTotpStep, deleteTotp, findTotp, upsertPendingTotp } from './totp-repository.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

export { ACR_1FA, ACR_2FA, ACR_VALUES, assuranceOf, levelOf, satisfies, strongest, type AuthMethod, type Proof } from './assurance.js';
export { totpQrSvg, TOTP_ISSUER } from './totp.js';
export { normaliseCode } from './readable-code.js';
export { newCounterCode } from './counter-code.js';
export type { SignInStep } from './sign-in-step-repository.js';
export type { CredentialOwner, Passkeys, PasskeySummary, RegistrationOutcome } from './passkeys.js';

/** What happened to a factor: each is a line of the citizen's history and a mail to them. */
export type FactorChange =
  'totp_enabled' | 'totp_disabled' | 'recovery_codes_generated' | 'recovery_code_used' | 'passkey_added' | 'passkey_removed';

const MAIL_OF: Record<FactorChange, NoticeKind> = {
  totp_enabled: 'totp-added',
  passkey_added: 'passkey-added',
  totp_disabled: 'totp-removed',
  passkey_removed: 'passkey-removed',
  recovery_codes_generated: 'recovery-codes-generated',
  recovery_code_used: 'recovery-code-used',
};

export interface FactorEvents {
  /** Records the change in the citizen's history and mails them, in `db` (the change's transaction). */
  changed(
    accountId: string,
    change: FactorChange,
    vars: { detail?: string; remaining?: string },
    db: Queryable,
    origin?: Origin,
  ): Promise<void>;
}

/** The history line and the mail of a factor change, in the change's transaction. */
export function createFactorEvents(notify: AccountNotifier | undefined): FactorEvents {
  return {
    async changed(accountId, change, vars, db, origin = {}) {
      await insertSecurityEvent(db, { accountId, kind: change, detail: vars.detail, ...origin });
      const account = await findAccountById(db, accountId);
      if (!notify || !account) return;
      await notify(
        {
          kind: MAIL_OF[change],
          to: account.email,
          locale: account.locale,
          accountId,
          vars: { name: vars.detail ?? '', remaining: vars.remaining ?? '' },
        },
        db,
      );
    },
  };
}

export interface FactorSummary {
  totp: { state: 'none' } | { state: 'pending' } | { state: 'active'; confirmedAt: Date; lastUsedAt: Date | undefined };
  recoveryCodes: { total: number; remaining: number };
}

export interface FactorExport {
  authenticator_app: { added_at: Date; active_since: Date | null; last_used_at: Date | null } | null;
  recovery_codes: { total: number; remaining: number };
  passkeys: { name: string; created_at: Date; last_used_at: Date | null; synced: boolean }[];
}

export interface Factors {
  summary(accountId: string): Promise<FactorSummary>;
  /** The factors as the citizen's export lists them: kinds, names and dates, never a secret. */
  exportOf(accountId: string): Promise<FactorExport>;
  /** Whether an authenticator app is active. */
  hasTotp(accountId: string): Promise<boolean>;
  /** Whether a password alone is no longer enough for this account: an app is active or a passkey registered. */
  hasSecondFactor(accountId: string): Promise<boolean>;
  /** Starts (or restarts) enrolment: the secret to show and its URI. Refused (undefined) while an app is active. */
  startTotp(accountId: string, label: string): Promise<{ secret: string; uri: string } | undefined>;
  /** The enrolment waiting for its first code, to show again (a wrong code, a reload). */
  pendingTotp(accountId: string, label: string): Promise<{ secret: string; uri: string } | undefined>;
  /** Activates the pending app with its first code; the recovery codes of the new set, or undefined for a wrong code. */
  confirmTotp(accountId: string, code: string): Promise<string[] | undefined>;
  /** Whether the code is the active app's current one, never accepted before (the step is then spent). */
  verifyTotp(accountId: string, code: string): Promise<boolean>;
  disableTotp(accountId: string): Promise<boolean>;
  /** A new set of recovery codes, which voids the old one. */
  regenerateRecoveryCodes(accountId: string): Promise<string[]>;
  /** Spends a recovery code: the number left, or undefined when it is not one of the account's unused codes. */
  useRecoveryCode(accountId: string, code: string): Promise<number | undefined>;
  /** Every factor goes (counter recovery, in its transaction); no event here, the caller tells its own story. */
  removeAll(accountId: string, db: Queryable): Promise<void>;
  passkeys: Passkeys;
  steps: {
    put(interactionUid: string, step: SignInStep): Promise<void>;
    find(interactionUid: string): Promise<SignInStep | undefined>;
    forget(interactionUid: string): Promise<void>;
  };
}

export interface FactorsDeps {
  db: Pool;
  sealer: Sealer;
  /** Queues the citizen's mails; without it (the command line) none is queued. */
  notify?: AccountNotifier | undefined;
  /** How long a sign-in waits between its steps: the interaction's own lifetime. */
  stepTtlSeconds: number;
  /** The WebAuthn relying party: the ISSUER (its host is the rp id, its origin the only one accepted). */
  passkeys: { issuer: string; rpName: string; challengeTtlSeconds: number };
}

export function createFactors({ db, sealer, notify, stepTtlSeconds, passkeys: relyingParty }: FactorsDeps): Factors {
  const events = createFactorEvents(notify);
  const passkeys = createPasskeys({ db, events, ...relyingParty });
  const digest = (code: string) => sealer.digest(`recovery:${normaliseCode(code)}`);

  async function newSet(accountId: string, tx: PoolClient): Promise<string[]> {
    const codes = newRecoveryCodes();
    await replaceRecoveryCodes(tx, accountId, codes.map(digest));
    return codes;
  }

  async function pending(accountId: string, label: string) {
    const row = await findTotp(db, accountId);
    if (!row || row.confirmedAt) return undefined;
    const secret = await sealer.open(row.secretSealed);
    return { secret, uri: totpUri({ secret, label }) };
  }

  return {
    async summary(accountId) {
      const [row, recoveryCodes] = await Promise.all([findTotp(db, accountId), countRecoveryCodes(db, accountId)]);
      const totp: FactorSummary['totp'] = !row
        ? { state: 'none' }
        : row.confirmedAt
          ? { state: 'active', confirmedAt: row.confirmedAt, lastUsedAt: row.lastUsedAt }
          : { state: 'pending' };
      return { totp, recoveryCodes };
    },
    async hasTotp(accountId) {
      return (await findTotp(db, accountId))?.confirmedAt !== undefined;
    },
    hasSecondFactor: (accountId) => hasSecondFactor(db, accountId),
    async exportOf(accountId) {
      const [row, recoveryCodes, keys] = await Promise.all([
        findTotp(db, accountId),
        countRecoveryCodes(db, accountId),
        passkeys.list(accountId),
      ]);
      return {
        authenticator_app: row
          ? { added_at: row.createdAt, active_since: row.confirmedAt ?? null, last_used_at: row.lastUsedAt ?? null }
          : null,
        recovery_codes: recoveryCodes,
        passkeys: keys.map((key) => ({
          name: key.name,
          created_at: key.createdAt,
          last_used_at: key.lastUsedAt ?? null,
          synced: key.isSynced,
        })),
      };
    },
    async startTotp(accountId, label) {
      const secret = newTotpSecret();
      const isStarted = await upsertPendingTotp(db, accountId, await sealer.seal(secret));
      return isStarted ? { secret, uri: totpUri({ secret, label }) } : undefined;
    },
    pendingTotp: pending,
    async confirmTotp(accountId, code) {
      const row = await findTotp(db, accountId);
      if (!row || row.confirmedAt) return undefined;
      const match = matchTotp(await sealer.open(row.secretSealed), code, { lastUsedStep: row.lastUsedStep });
      if (!match) return undefined;
      return withTransaction(db, async (tx) => {
        if (!(await claimTotpStep(tx, accountId, match.step, true))) return undefined;
        const codes = await newSet(accountId, tx);
        await events.changed(accountId, 'totp_enabled', {}, tx);
        return codes;
      });
    },
    async verifyTotp(accountId, code) {
      const row = await findTotp(db, accountId);
      if (!row?.confirmedAt) return false;
      const match = matchTotp(await sealer.open(row.secretSealed), code, { lastUsedStep: row.lastUsedStep });
      return match !== undefined && (await claimTotpStep(db, accountId, match.step, false));
    },
    async disableTotp(accountId) {
      return withTransaction(db, async (tx) => {
        if (!(await deleteTotp(tx, accountId))) return false;
        await deleteRecoveryCodes(tx, accountId);
        await events.changed(accountId, 'totp_disabled', {}, tx);
        return true;
      });
    },
    async regenerateRecoveryCodes(accountId) {
      return withTransaction(db, async (tx) => {
        const codes = await newSet(accountId, tx);
        await events.changed(accountId, 'recovery_codes_generated', {}, tx);
        return codes;
      });
    },
    async useRecoveryCode(accountId, code) {
      return withTransaction(db, async (tx) => {
        const remaining = await spendRecoveryCode(tx, accountId, digest(code));
        if (remaining !== undefined) await events.changed(accountId, 'recovery_code_used', { remaining: String(remaining) }, tx);
        return remaining;
      });
    },
    removeAll: (accountId, through) => deleteSecondFactors(through, accountId),
    passkeys,
    steps: {
      put: (uid, step) => putSignInStep(db, uid, step, stepTtlSeconds),
      find: (uid) => findSignInStep(db, uid),
      forget: (uid) => deleteSignInStep(db, uid),
    },
  };
}
export { createCounterCodes, type CounterCodes, type CounterCodesDeps } from './counter-codes.js';

/** What expired in the factor tables (sign-ins left half-way, unanswered challenges, counter codes), swept a batch at a time. */
export async function deleteExpiredFactorRows(db: Queryable, batchSize: number): Promise<number> {
  return (
    (await deleteExpiredSignInSteps(db)) +
    (await deleteExpiredChallenges(db, batchSize)) +
    (await deleteExpiredCounterCodes(db, new Date(), batchSize))
  );
}
