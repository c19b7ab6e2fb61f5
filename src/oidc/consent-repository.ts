// All SQL about remembered consent.
import type { Queryable } from '../db/index.js';

export interface Consent {
  scopes: string[];
  claims: string[];
  grantedAt: Date;
}

/** Adds to what the citizen already allowed the client (consent only ever widens until revoked). */
export async function upsertConsent(db: Queryable, accountId: string, clientId: string, scopes: string[], claims: string[]): Promise<void> {
  await db.query(
    `insert into consents (account_id, client_id, scopes, claims) values ($1, $2, $3, $4)
     on conflict (account_id, client_id) do update set
       scopes = array(select distinct unnest(consents.scopes || excluded.scopes)),
       claims = array(select distinct unnest(consents.claims || excluded.claims)),
       granted_at = now()`,
    [accountId, clientId, scopes, claims],
  );
}

export async function findConsent(db: Queryable, accountId: string, clientId: string): Promise<Consent | undefined> {
  const { rows } = await db.query<{ scopes: string[]; claims: string[]; granted_at: Date }>(
    `select scopes, claims, granted_at from consents where account_id = $1 and client_id = $2`,
    [accountId, clientId],
  );
  const row = rows[0];
  return row && { scopes: row.scopes, claims: row.claims, grantedAt: row.granted_at };
}

export async function deleteConsent(db: Queryable, accountId: string, clientId: string): Promise<void> {
  await db.query(`delete from consents where account_id = $1 and client_id = $2`, [accountId, clientId]);
}

export async function deleteConsentsOfAccount(db: Queryable, accountId: string): Promise<void> {
  await db.query(`delete from consents where account_id = $1`, [accountId]);
}

export interface ConsentOfAccount extends Consent {
  clientId: string;
}

export async function listConsentsOfAccount(db: Queryable, accountId: string): Promise<ConsentOfAccount[]> {
  const { rows } = await db.query<{ client_id: string; scopes: string[]; claims: string[]; granted_at: Date }>(
    `select client_id, scopes, claims, granted_at from consents where account_id = $1 order by granted_at desc`,
    [accountId],
  );
  return rows.map((row) => ({ clientId: row.client_id, scopes: row.scopes, claims: row.claims, grantedAt: row.granted_at }));
}
