// argon2id hashing with parameters from config/ (OWASP minimum m=19 MiB, t=2, p=1), rehash when they change,
// and a dummy verification so that an unknown email costs the same time as a wrong password. Every hash
// and verification waits in one bounded queue per process: each holds memoryKiB for its whole run, so a
// flood of sign-ins must not run them all at once (memory, and every other request starved of CPU).
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import type { Tunables } from '../config.js';
import { unavailable } from '../errors.js';

type Argon2Tunables = Tunables['argon2'];
/** The hashing parameters, and the queue's bounds (config/); without them (some tests) the queue never refuses. */
export type Argon2Params = Pick<Argon2Tunables, 'memoryKiB' | 'timeCost' | 'parallelism'> &
  Partial<Pick<Argon2Tunables, 'maxQueued' | 'busyRetryAfterSeconds'>>;
export type PasswordPolicy = Tunables['passwordPolicy'];

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_equals_email' | 'password_common';

/** Unicode passwords compare as the citizen typed them on any keyboard: NFKC before hashing. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * The policy a citizen meets when choosing a password, after NIST SP 800-63B and the CNIL (2022): a
 * minimum length, every character allowed, no composition rules; not the email, not a common password.
 */
export function checkPasswordPolicy(
  password: string,
  email: string,
  policy: PasswordPolicy,
  common: { has(password: string): boolean } = { has: () => false },
): PasswordProblem | undefined {
  const normalized = normalizePassword(password);
  const length = Array.from(normalized).length; // in code points: an emoji is one character of the password
  if (Buffer.byteLength(password, 'utf8') > policy.maxBytes || length > policy.maxLength) return 'password_too_long';
  if (length < policy.minLength) return 'password_too_short';
  const lowered = normalized.toLowerCase();
  const address = email.trim().toLowerCase();
  if (lowered === address || lowered === address.split('@')[0]) return 'password_equals_email';
  if (common.has(normalized)) return 'password_common';
  return undefined;
}

/** Hashes run at once: one per core; more would only share the cores and hold more memory. */
export function hashingConcurrency(): number {
  return availableParallelism();
}

/**
 * At most `concurrency` runs at once and `maxQueued` waiting; beyond that the work is refused at once
 * ('unavailable', 503 with Retry-After) rather than queued for seconds behind everyone else.
 */
export function createHashingQueue(concurrency: number, maxQueued: number, busyRetryAfterSeconds: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(work: () => Promise<T>): Promise<T> {
    if (running < concurrency) running++;
    else if (waiting.length < maxQueued) await new Promise<void>((resolve) => waiting.push(resolve));
    else throw unavailable('server_busy', busyRetryAfterSeconds, 'too many password checks in progress');
    try {
      return await work();
    } finally {
      // The slot passes to the next in line, or is freed.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

export interface Passwords {
  hash(password: string): Promise<string>;
  /** Verifies; with no stored hash, burns the same time against a dummy hash and answers false. */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
  /** Runs other work of the same weight (a commune site's hash to verify) in the same bounded queue. */
  queued<T>(work: () => Promise<T>): Promise<T>;
}

async function verifyOrFalse(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(storedHash, password);
  } catch {
    return false;
  }
}

export function createPasswords(params: Argon2Params, policy: PasswordPolicy, concurrency = hashingConcurrency()): Passwords {
  const options = {
    type: argon2.argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  } as const;
  const queued = createHashingQueue(concurrency, params.maxQueued ?? Infinity, params.busyRetryAfterSeconds ?? 1);
  // Made once, outside the queue, so that a refusal by the queue cannot poison it.
  let dummyHash: Promise<string> | undefined;
  const hashNow = (password: string) => argon2.hash(normalizePassword(password), options);
  return {
    hash: (password) => queued(() => hashNow(password)),
    async verify(storedHash, password) {
      // A password of several kilobytes is refused before argon2 sees it (hashing cost is not the attacker's to choose).
      const isOversized = Buffer.byteLength(password, 'utf8') > policy.maxBytes;
      if (storedHash === undefined || isOversized) {
        dummyHash ??= hashNow('dummy password for constant-time refusals');
        const dummy = await dummyHash;
        await queued(() => verifyOrFalse(dummy, 'not the password'));
        return false;
      }
      // A refusal by the queue is not a wrong password: it propagates ('unavailable'); a malformed hash is.
      return queued(() => verifyOrFalse(storedHash, normalizePassword(password)));
    },
    needsRehash(storedHash) {
      return argon2.needsRehash(storedHash, options);
    },
    queued,
  };
}
