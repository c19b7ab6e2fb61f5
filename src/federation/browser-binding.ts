// The browser's side of a round trip to FranceConnect: a random secret only its signed cookie holds, of which the
// database keeps a digest; an answer counts only from the browser that shows the secret (compared in constant time).
import { createHash, timingSafeEqual } from 'node:crypto';

export const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export function sameDigest(secret: string, expected: string): boolean {
  const a = Buffer.from(digest(secret));
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
