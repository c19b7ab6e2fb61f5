// Throttling, one mechanism for password checks, mails and sign-ups. An attempt is counted BEFORE the work
// it guards (argon2, a mail) by an atomic counter in the database that every instance shares, so parallel
// requests cannot slip between a check and a count. After `free` attempts in a window each further one
// waits a growing delay (firstDelaySeconds × 2^k, at most maxDelaySeconds), refused meanwhile with 429 and
// Retry-After. Password checks are keyed by (account, address): an attacker's failures slow down the
// attacker, not the citizen signing in from elsewhere; the per-account and per-address ceilings are
// generous (a town hall's one address) and only ever slow down, never lock.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { ThrottlePolicy, Tunables } from '../config.js';

export interface ThrottleRule extends ThrottlePolicy {
  key: string;
  /**
   * What a legitimate outcome does to the key: a pair that proved the password is forgotten, a ceiling gets
   * its attempt back (it counts failures, not a busy town hall's sign-ins), a quota (mails) keeps it.
   */
  onSuccess: 'forget' | 'refund' | 'keep';
}

/** `deferred`: the settling joins the request's gathered writes (a login POST's one statement), sent before its answer. */
export interface Settling {
  deferred?: boolean;
}

export interface ThrottleStore {
  /** Counts one attempt on every rule's key, or on none; answers the seconds to wait when refused. */
  take(rules: readonly ThrottleRule[]): Promise<number | undefined>;
  /** take, and in the same round trip the answer of another statement (one value, its parameters from $1). */
  takeWith(
    rules: readonly ThrottleRule[],
    alongside: { name?: string; text: string; values: unknown[] },
  ): Promise<{ wait: number | undefined; alongside: unknown }>;
  forget(keys: string[]): Promise<void>;
  refund(keys: string[]): Promise<void>;
  /** forget then refund, in one round trip. */
  settle(forgotten: string[], refunded: string[], options?: Settling): Promise<void>;
}

export type Attempt = { isAdmitted: true } | { isAdmitted: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts the attempt on every rule, or refuses it (nothing counted) while one of them must wait. */
  attempt(rules: readonly ThrottleRule[]): Promise<Attempt>;
  /**
   * attempt, with the answer of `alongside` read in the same round trip (a password check's account): the
   * answer is there only when the attempt is admitted, so that a refused attempt goes no further.
   */
  attemptWith(
    rules: readonly ThrottleRule[],
    alongside: { name?: string; text: string; values: unknown[] },
  ): Promise<Attempt & { alongside?: unknown }>;
  /** The guarded work went well (the password was right): each rule does its onSuccess. */
  succeeded(rules: readonly ThrottleRule[], options?: Settling): Promise<void>;
  /** The guarded work never ran (argon2 was busy): the attempt is given back on every rule. */
  cancelled(rules: readonly ThrottleRule[]): Promise<void>;
}

export function createRateLimiter(store: ThrottleStore): RateLimiter {
  return {
    async attempt(rules) {
      const wait = await store.take(rules);
      return wait === undefined ? { isAdmitted: true } : { isAdmitted: false, retryAfterSeconds: wait };
    },
    async attemptWith(rules, alongside) {
      const { wait, alongside: answer } = await store.takeWith(rules, alongside);
      return wait === undefined ? { isAdmitted: true, alongside: answer } : { isAdmitted: false, retryAfterSeconds: wait };
    },
    async succeeded(rules, options) {
      const forget = rules.filter((r) => r.onSuccess === 'forget').map((r) => r.key);
      const refund = rules.filter((r) => r.onSuccess === 'refund').map((r) => r.key);
      if (forget.length || refund.length) await store.settle(forget, refund, options);
    },
    async cancelled(rules) {
      await store.refund(rules.map((r) => r.key));
    },
  };
}

/** Emails are keyed by a digest: the table never holds an address in clear. */
const digest = (value: string) => createHash('sha256').update(value.trim().toLowerCase()).digest('base64url');

type Limits = Tunables['rateLimits'];

/**
 * Every check of a citizen's password (sign-in, the current password of /account forms) spends from the
 * same keys, in the order pair, account, address (the store locks rows in that order).
 */
export function passwordCheckRules(limits: Limits, who: { email: string; address: string }): ThrottleRule[] {
  const account = digest(who.email);
  const { perAccountAndAddress, perAccount, perAddress } = limits.passwordChecks;
  return [
    { key: `password:${account}:${who.address}`, ...perAccountAndAddress, onSuccess: 'forget' },
    { key: `password:${account}`, ...perAccount, onSuccess: 'refund' },
    { key: `password-address:${who.address}`, ...perAddress, onSuccess: 'refund' },
  ];
}

/**
 * Every check of a second factor (an app's code, a recovery code, a passkey) on one account spends from these
 * keys: the pair slows an attacker's address, the account's ceiling bounds guessing from many addresses.
 */
export function secondFactorRules(limits: Limits, who: { accountId: string; address: string }): ThrottleRule[] {
  const { perAccountAndAddress, perAccount } = limits.secondFactorChecks;
  return [
    { key: `second-factor:${who.accountId}:${who.address}`, ...perAccountAndAddress, onSuccess: 'forget' },
    { key: `second-factor:${who.accountId}`, ...perAccount, onSuccess: 'refund' },
  ];
}

/** Checks of a counter code, keyed by the address typed (known or not: both answer alike) like passwords. */
export function counterCodeRules(limits: Limits, who: { email: string; address: string }): ThrottleRule[] {
  const account = digest(who.email);
  const { perAccountAndAddress, perAccount, perAddress } = limits.counterCodeChecks;
  return [
    { key: `counter-code:${account}:${who.address}`, ...perAccountAndAddress, onSuccess: 'forget' },
    { key: `counter-code:${account}`, ...perAccount, onSuccess: 'refund' },
    { key: `counter-code-address:${who.address}`, ...perAddress, onSuccess: 'refund' },
  ];
}

export function registrationRules(limits: Limits, address: string): ThrottleRule[] {
  return [{ key: `register:${address}`, ...limits.registrationsPerAddress, onSuccess: 'keep' }];
}

export function resetRequestRules(limits: Limits, who: { email: string; address: string }, mailsPerHour: number): ThrottleRule[] {
  return [
    mailQuota(`reset-mail:${digest(who.email)}`, mailsPerHour),
    { key: `reset-request:${who.address}`, ...limits.resetRequestsPerAddress, onSuccess: 'keep' },
  ];
}

/** At most `perHour` mails an hour on one key: the wait after them lasts until the window ends. */
export function mailQuota(key: string, perHour: number): ThrottleRule {
  return { key, free: perHour, windowSeconds: 3600, firstDelaySeconds: 3600, maxDelaySeconds: 3600, onSuccess: 'keep' };
}

export function setRetryAfter(ctx: Context, seconds: number): void {
  ctx.set('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}
