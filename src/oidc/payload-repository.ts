// The SQL on oidc_payloads beyond the library's adapter contract (adapter.ts): what the account space,
// consent memory and the sweeper ask of the rows the library wrote.
import type { AdapterPayload } from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import { keepLatestGrant, scopedLatestGrant } from './request-scope.js';

/**
 * The newest live grant an account gave a client, so consent survives the end of a browser session. The
 * library asks for that grant next (Grant.find): its row, read here, is kept for this request (request-scope.ts).
 */
export async function findLatestGrantId(db: Queryable, accountId: string, clientId: string): Promise<string | undefined> {
  const scoped = scopedLatestGrant(accountId, clientId);
  if (scoped !== undefined) return scoped ?? undefined;
  const { rows } = await db.query<{ id: string; payload: AdapterPayload }>({
    name: 'latest-grant',
    text: `select id, payload from oidc_payloads
     where account_id = $1 and model = 'Grant' and client_id = $2 and (expires_at is null or expires_at > now())
     order by created_at desc limit 1`,
    values: [accountId, clientId],
  });
  const row = rows[0];
  keepLatestGrant(accountId, clientId, row ?? null);
  return row?.id;
}

/** Deletes one batch of expired rows without waiting on rows other sweepers hold; answers how many. */
export async function deleteExpiredPayloads(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from oidc_payloads where ctid in (
       select ctid from oidc_payloads where expires_at < now() limit $1 for update skip locked)`,
    [batchSize],
  );
  return rowCount ?? 0;
}

/** Deletes a row by the key it is stored under (not the value the library knows it by). */
export async function deleteStoredPayload(db: Queryable, model: string, storedId: string): Promise<void> {
  await db.query(`delete from oidc_payloads where model = $1 and id = $2`, [model, storedId]);
}

/** A row as it rests: `id` is its stored key, `payload` has its credentials sealed (stored-secrets.ts). */
export interface StoredPayload {
  id: string;
  payload: AdapterPayload;
  createdAt: Date;
  expiresAt: Date | undefined;
}

/** The live artefacts of one model that belong to an account (its grants, its sessions). */
export async function listPayloadsOfAccount(db: Queryable, model: 'Grant' | 'Session', accountId: string): Promise<StoredPayload[]> {
  const { rows } = await db.query<{ id: string; payload: AdapterPayload; created_at: Date; expires_at: Date | null }>(
    `select id, payload, created_at, expires_at from oidc_payloads
     where account_id = $1 and model = $2 and (expires_at is null or expires_at > now())
     order by created_at desc`,
    [accountId, model],
  );
  return rows.map((row) => ({ id: row.id, payload: row.payload, createdAt: row.created_at, expiresAt: row.expires_at ?? undefined }));
}

/** The tokens and codes of a grant that were issued to any session but `sessionUid` (the library's field). */
export async function deleteTokensOfGrantOutsideSession(db: Queryable, grantId: string, sessionUid: string): Promise<void> {
  await db.query(`delete from oidc_payloads where grant_id = $1 and model <> 'Grant' and (payload->>'sessionUid') is distinct from $2`, [
    grantId,
    sessionUid,
  ]);
}

/** Forgets that a session signed in to a client (after the citizen revoked that client). */
export async function removeSessionAuthorization(db: Queryable, sessionId: string, clientId: string): Promise<void> {
  await db.query(`update oidc_payloads set payload = payload #- array['authorizations', $2::text] where model = 'Session' and id = $1`, [
    sessionId,
    clientId,
  ]);
}
