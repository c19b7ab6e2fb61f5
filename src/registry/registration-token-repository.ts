// All SQL about the commune each initial access token registers into.
import type { Queryable } from '../db/index.js';

export async function insertRegistrationToken(
  db: Queryable,
  token: { jti: string; communeSlug: string; createdBy: string; expiresAt: Date },
): Promise<void> {
  await db.query(`insert into registration_tokens (jti, commune_slug, created_by, expires_at) values ($1, $2, $3, $4)`, [
    token.jti,
    token.communeSlug,
    token.createdBy,
    token.expiresAt,
  ]);
}

export async function findRegistrationTokenCommune(db: Queryable, jti: string): Promise<string | undefined> {
  const { rows } = await db.query<{ commune_slug: string }>(
    `select commune_slug from registration_tokens where jti = $1 and expires_at > now()`,
    [jti],
  );
  return rows[0]?.commune_slug;
}
