// The password hashes of the communes' own sites, brought in by an import and checked at the citizen's first
// sign-in here (then replaced by our argon2id hash): which formats are recognised, and how each is verified,
// always with a maintained library or Node's crypto, never with a construction of our own.
// A format is recognised only with parameters a real site would use: the hashes come from operators' files,
// but a hash of 10^9 rounds would hold the server for minutes at every attempt on that address.
import { createRequire } from 'node:module';
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { verify as verifyShaCrypt } from 'unixcrypt';

export type LegacyHashFormat = 'bcrypt' | 'django-pbkdf2-sha256' | 'drupal7' | 'phpass' | 'sha256-crypt' | 'sha512-crypt' | 'argon2';

/** Drupal 7's own password.inc, ported as is (it also reads phpass' $P$/$H$, its "imported" passwords); CommonJS without types. */
interface DrupalHash {
  checkPassword(password: string, hash: string): boolean;
}
const drupalHash = createRequire(import.meta.url)('drupal-hash') as DrupalHash;

/**
 * The bounds of what a hash may ask. bcrypt (bcryptjs) and PBKDF2 (libuv's pool) leave the event loop
 * free between their steps; sha-crypt (unixcrypt), phpass and Drupal run on it in one go (some 2 µs a round
 * here), so their bounds are the tighter: glibc's default is 5,000 rounds and passlib's 656,000; WordPress
 * uses 2^13, phpBB 2^11 and Drupal 7 2^15 iterations.
 */
export const LEGACY_HASH_LIMITS = {
  bcryptCost: { min: 4, max: 15 },
  pbkdf2Iterations: { min: 1, max: 10_000_000 },
  shaCryptRounds: { min: 1000, max: 1_000_000 },
  /** phpass and Drupal 7 store the base-2 logarithm of their iterations. */
  phpassLog2: { min: 7, max: 18 },
  argon2: { maxMemoryKiB: 262_144, maxTimeCost: 16, maxParallelism: 16 },
} as const;

/** A password longer than this is never hashed: phpass and Drupal hash the password again at every round. */
export const MAX_LEGACY_PASSWORD_BYTES = 4096;

// The crypt alphabet of bcrypt, sha-crypt and phpass.
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
// Django: algorithm$iterations$salt$base64(32 bytes); the salt is anything but '$'.
const DJANGO_PBKDF2 = /^pbkdf2_sha256\$(\d{1,9})\$([^$\s]{1,128})\$([A-Za-z0-9+/]{43}=)$/;
// 12 characters of setting ($S$, the log2 of the count, 8 of salt), then the hash cut to 55 in all (Drupal 7).
const DRUPAL7 = /^\$S\$([./0-9A-Za-z])[./0-9A-Za-z]{51}$/;
// The same setting, then 22 characters of MD5 (phpass' portable hashes; phpBB writes $H$).
const PHPASS = /^\$[PH]\$([./0-9A-Za-z])[./0-9A-Za-z]{30}$/;
// $5$ or $6$, rounds= when not the default 5,000, a salt of at most 16, then 43 or 86 characters.
const SHA_CRYPT = /^\$([56])\$(?:rounds=(\d{1,10})\$)?[./0-9A-Za-z]{0,16}\$([./0-9A-Za-z]+)$/;
// The PHC string; m, t and p in any order (the reference writes m,t,p, the argon2 package m,p,t).
const ARGON2 =
  /^\$argon2(?:id|i|d)\$(?:v=(?:16|19)\$)?([mtp]=\d{1,10},[mtp]=\d{1,10},[mtp]=\d{1,10})\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const within = (value: number, { min, max }: { min: number; max: number }) => Number.isSafeInteger(value) && value >= min && value <= max;
const isPhpassCount = (character: string | undefined) =>
  character !== undefined && within(ITOA64.indexOf(character), LEGACY_HASH_LIMITS.phpassLog2);

/**
 * The format of a commune site's hash, or undefined when it is none we verify or asks more work than any
 * real site does (the importer refuses that line with its reason).
 */
export function legacyHashFormat(hash: string): LegacyHashFormat | undefined {
  if (typeof hash !== 'string' || hash.length > 1000) return undefined;
  let match = BCRYPT.exec(hash);
  if (match) return within(Number(match[1]), LEGACY_HASH_LIMITS.bcryptCost) ? 'bcrypt' : undefined;
  match = DJANGO_PBKDF2.exec(hash);
  if (match) return within(Number(match[1]), LEGACY_HASH_LIMITS.pbkdf2Iterations) ? 'django-pbkdf2-sha256' : undefined;
  match = DRUPAL7.exec(hash);
  if (match) return isPhpassCount(match[1]) ? 'drupal7' : undefined;
  match = PHPASS.exec(hash);
  if (match) return isPhpassCount(match[1]) ? 'phpass' : undefined;
  match = SHA_CRYPT.exec(hash);
  if (match) {
    const isSha256 = match[1] === '5';
    const rounds = match[2] === undefined ? 5000 : Number(match[2]);
    if ((match[3] ?? '').length !== (isSha256 ? 43 : 86) || !within(rounds, LEGACY_HASH_LIMITS.shaCryptRounds)) return undefined;
    return isSha256 ? 'sha256-crypt' : 'sha512-crypt';
  }
  match = ARGON2.exec(hash);
  if (match) {
    const { maxMemoryKiB, maxTimeCost, maxParallelism } = LEGACY_HASH_LIMITS.argon2;
    const parameters = new Map((match[1] ?? '').split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const));
    const [memory, time, parallelism] = [parameters.get('m') ?? NaN, parameters.get('t') ?? NaN, parameters.get('p') ?? NaN];
    return within(memory, { min: 8 * parallelism, max: maxMemoryKiB }) &&
      within(time, { min: 1, max: maxTimeCost }) &&
      within(parallelism, { min: 1, max: maxParallelism })
      ? 'argon2'
      : undefined;
  }
  return undefined;
}

const pbkdf2Async = promisify(pbkdf2);

/** Django's PBKDF2PasswordHasher.verify: the same derivation, compared in constant time. */
async function verifyDjangoPbkdf2(hash: string, password: string): Promise<boolean> {
  const [, iterations, salt, encoded] = hash.split('$') as [string, string, string, string];
  const expected = Buffer.from(encoded, 'base64');
  const derived = await pbkdf2Async(password, salt, Number(iterations), expected.length, 'sha256');
  return expected.length === 32 && timingSafeEqual(derived, expected);
}

async function verifyKnown(format: LegacyHashFormat, hash: string, password: string): Promise<boolean> {
  switch (format) {
    case 'bcrypt':
      // PHP's $2y$ is the corrected $2a$, the same as OpenBSD's $2b$: bcryptjs reads all three.
      return bcrypt.compare(password, hash);
    case 'django-pbkdf2-sha256':
      return verifyDjangoPbkdf2(hash, password);
    case 'drupal7':
    case 'phpass':
      return drupalHash.checkPassword(password, hash);
    case 'sha256-crypt':
    case 'sha512-crypt':
      return verifyShaCrypt(password, hash);
    case 'argon2':
      return argon2.verify(hash, password);
  }
}

/**
 * Whether `password`, as the citizen typed it (the site hashed it unnormalised), matches a commune site's
 * hash. False, never an exception, for a hash of no known format, refused parameters or a malformed body.
 */
export async function verifyLegacyHash(hash: string, password: string): Promise<boolean> {
  const format = legacyHashFormat(hash);
  if (!format || typeof password !== 'string' || Buffer.byteLength(password, 'utf8') > MAX_LEGACY_PASSWORD_BYTES) return false;
  try {
    return await verifyKnown(format, hash, password);
  } catch {
    return false;
  }
}
