// argon2id hashing with parameters from config/ (OWASP minimum m=19 MiB, t=2, p=1), rehash when they change,
// and a dummy verification so that an unknown email costs the same time as a wrong password.
import argon2 from 'argon2';
import type { Tunables } from '../config.js';

export type Argon2Params = Tunables['argon2'];
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
  const length = [...normalized].length;
  if (Buffer.byteLength(password, 'utf8') > policy.maxBytes || length > policy.maxLength) return 'password_too_long';
  if (length < policy.minLength) return 'password_too_short';
  const lowered = normalized.toLowerCase();
  const address = email.trim().toLowerCase();
  if (lowered === address || lowered === address.split('@')[0]) return 'password_equals_email';
  if (common.has(normalized)) return 'password_common';
  return undefined;
}

export interface Passwords {
  hash(password: string): Promise<string>;
  /** Verifies; with no stored hash, burns the same time against a dummy hash and answers false. */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
  needsRehash(storedHash: string): boolean;
}

export function createPasswords(params: Argon2Params, policy: PasswordPolicy): Passwords {
  const options = {
    type: argon2.argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  } as const;
  let dummyHash: Promise<string> | undefined;
  const hash = (password: string) => argon2.hash(normalizePassword(password), options);
  return {
    hash,
    async verify(storedHash, password) {
      // A password of several kilobytes is refused before argon2 sees it (hashing cost is not the attacker's to choose).
      const isOversized = Buffer.byteLength(password, 'utf8') > policy.maxBytes;
      if (storedHash === undefined || isOversized) {
        dummyHash ??= hash('dummy password for constant-time refusals');
        await argon2.verify(await dummyHash, 'not the password').catch(() => false);
        return false;
      }
      try {
        return await argon2.verify(storedHash, normalizePassword(password));
      } catch {
        return false;
      }
    },
    needsRehash(storedHash) {
      return argon2.needsRehash(storedHash, options);
    },
  };
}
