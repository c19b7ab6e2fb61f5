// CSRF for our forms: a random per-browser cookie, and in each form an HMAC of it bound to the form's
// purpose (the interaction uid, the account page). A cross-site post cannot read either. The HMAC key is
// derived from the cookie-signing key, never that key itself: one key, one use.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';

const COOKIE = 'glc.csrf';

export interface Csrf {
  token(ctx: Context, purpose: string): string;
  verify(ctx: Context, purpose: string, submitted: unknown): boolean;
}

export function createCsrf(cookieKey: string, secureCookies: boolean): Csrf {
  const key = Buffer.from(hkdfSync('sha256', cookieKey, 'grandlyonconnect', 'csrf-v1', 32));
  const sign = (binding: string, purpose: string) => createHmac('sha256', key).update(`${binding}\u0000${purpose}`).digest('base64url');
  return {
    token(ctx, purpose) {
      let binding = ctx.cookies.get(COOKIE);
      if (!binding || !/^[\w-]{22,64}$/.test(binding)) {
        binding = randomBytes(18).toString('base64url');
        ctx.cookies.set(COOKIE, binding, { httpOnly: true, sameSite: 'lax', secure: secureCookies, signed: false, overwrite: true });
      }
      return sign(binding, purpose);
    },
    verify(ctx, purpose, submitted) {
      const binding = ctx.cookies.get(COOKIE);
      if (!binding || typeof submitted !== 'string') return false;
      const expected = Buffer.from(sign(binding, purpose));
      const actual = Buffer.from(submitted);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
