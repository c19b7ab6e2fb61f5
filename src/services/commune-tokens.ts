// Issuing an initial access token for dynamic registration into a commune: the token, its commune and
// the audit row of its issuance commit together (the audit keeps when it expires, never the token).
import type { Pool } from '../db/index.js';
import type { IssuedRegistrationToken, RegistrationTokens } from '../oidc/index.js';
import { audited, type Actor } from '../operators/index.js';

export function issueCommuneToken(
  pool: Pool,
  tokens: RegistrationTokens,
  by: Actor,
  communeSlug: string,
  ttlSeconds: number,
): Promise<IssuedRegistrationToken> {
  return audited(pool, by, async (tx) => {
    const issued = await tokens.issue(tx, communeSlug, ttlSeconds, by.label ? `${by.actor}:${by.label}` : by.actor);
    return {
      result: issued,
      audit: {
        action: 'commune.registration_token_issued',
        communeSlug,
        target: `commune:${communeSlug}`,
        after: { expires_at: issued.expiresAt.toISOString() },
      },
    };
  });
}
