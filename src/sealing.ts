// Secrets at rest (private keys, client secrets, cookie keys) are sealed as compact JWE (dir + A256GCM)
// under a key derived from SECRET_KEY; bearer values that must be looked up without resting in clear are
// kept as a keyed digest under another key derived from it. Without SECRET_KEY (development only) a random
// one is kept in DATA_DIR.
import { createHmac, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactEncrypt, compactDecrypt } from 'jose';

export interface Sealer {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
  /** A keyed, deterministic digest (HMAC-SHA-256, base64url): a lookup key that a dump cannot turn back into the value. */
  digest(value: string): string;
}

export function createSealer(secretKey: string): Sealer {
  // A KeyObject, imported once: jose would import raw bytes again on every seal and open.
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secretKey, 'grandlyonconnect', 'sealing-v1', 32)));
  const digestKey = Buffer.from(hkdfSync('sha256', secretKey, 'grandlyonconnect', 'digest-v1', 32));
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    async seal(plaintext) {
      return new CompactEncrypt(encoder.encode(plaintext)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(key);
    },
    async open(sealed) {
      const { plaintext } = await compactDecrypt(sealed, key);
      return decoder.decode(plaintext);
    },
    digest(value) {
      return createHmac('sha256', digestKey).update(value).digest('base64url');
    },
  };
}

/** SECRET_KEY when set; otherwise the development key under DATA_DIR, created on first use. */
export function resolveSecretKey(secretKey: string | undefined, dataDir: string): string {
  if (secretKey) return secretKey;
  const file = join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  return generated;
}
