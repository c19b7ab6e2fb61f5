// oidc-provider's storage port on Postgres: one row per artefact in oidc_payloads, clients read from the
// registry. Expiry is honoured on read (rows are swept later by cleanup.ts); consuming is one atomic
// update, so of twenty parallel redemptions of one code exactly one wins. Credentials rest only as
// digests and sealed copies (stored-secrets.ts): the library hands us values, we store and look up keys.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import type { StoredSecrets } from './stored-secrets.js';

/** Clients live in the registry: found there, and written there by dynamic registration. */
export interface ClientStore {
  find(clientId: string): Promise<AdapterPayload | undefined>;
  upsert(clientId: string, payload: AdapterPayload): Promise<void>;
  destroy(clientId: string): Promise<void>;
}

// Models whose second use is an attack or a race: a failed consume must stop the request.
const SINGLE_USE_MODELS = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

interface PayloadRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

function withConsumed(row: PayloadRow): AdapterPayload {
  return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
}

const FIND = `select payload, consumed_at from oidc_payloads
  where model = $1 and {column} = $2 and (expires_at is null or expires_at > now())`;

/**
 * The library saves every session it read from a cookie, even one that names nobody and carries no form
 * state (a browser whose session ended elsewhere, a device form once posted): such a row would only pile
 * up, one per request. A session that holds a form's state lives as long as the form (ttl in provider.ts).
 */
function isEmptySession(model: string, payload: AdapterPayload): boolean {
  return model === 'Session' && !payload.accountId && !payload.state;
}

function accountIdOf(payload: AdapterPayload): string | null {
  return typeof payload.accountId === 'string' ? payload.accountId : null;
}

export function createAdapterFactory(db: Queryable, clients: ClientStore, secrets: StoredSecrets): (model: string) => Adapter {
  class PostgresAdapter implements Adapter {
    constructor(readonly model: string) {}

    private key(id: string): string {
      return secrets.storageId(this.model, id);
    }

    /** The row found by `column`, as the library wrote it; `id` when that is what the caller presented. */
    private async findBy(column: 'id' | 'uid' | 'user_code', value: string, id?: string): Promise<AdapterPayload | undefined> {
      const { rows } = await db.query<PayloadRow>(FIND.replace('{column}', column), [this.model, value]);
      return rows[0] && secrets.reveal(this.model, withConsumed(rows[0]), id);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') return clients.upsert(id, payload);
      if (isEmptySession(this.model, payload)) return this.destroy(id);
      const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null;
      const stored = await secrets.conceal(this.model, payload);
      await db.query(
        `insert into oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, client_id, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, account_id = excluded.account_id,
           client_id = excluded.client_id, expires_at = excluded.expires_at`,
        [
          this.model, this.key(id), JSON.stringify(stored), payload.grantId ?? null, payload.userCode ?? null,
          payload.uid ?? null, accountIdOf(payload), payload.clientId ?? null, expiresAt,
        ],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clients.find(id);
      return this.findBy('id', this.key(id), id);
    }

    // A session's uid is no credential (the cookie holds its id); found by it, its jti is unsealed.
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findBy('uid', uid);
    }

    // A user code alone opens nothing: it only lets a signed-in citizen approve the device that shows it.
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findBy('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      const { rowCount } = await db.query(
        `update oidc_payloads set consumed_at = now() where model = $1 and id = $2 and consumed_at is null`,
        [this.model, this.key(id)],
      );
      if (rowCount === 0 && SINGLE_USE_MODELS.has(this.model)) {
        throw new errors.InvalidGrant(`${this.model} already consumed`);
      }
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Client') return clients.destroy(id);
      await deleteStoredPayload(db, this.model, this.key(id));
    }

    // Every artefact of the grant goes, whichever model the library asks: tokens and codes. An interaction
    // that names the grant is the citizen's page in progress, not an artefact: it stays, and its consent
    // finds the grant gone (interactions/consent.ts) instead of the page expiring under the citizen.
    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query(`delete from oidc_payloads where grant_id = $1 and model <> 'Interaction'`, [grantId]);
    }
  }
  return (model: string) => new PostgresAdapter(model);
}

/** The newest live grant an account gave a client, so consent survives the end of a browser session. */
export async function findLatestGrantId(db: Queryable, accountId: string, clientId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `select id from oidc_payloads
     where account_id = $1 and model = 'Grant' and client_id = $2 and (expires_at is null or expires_at > now())
     order by created_at desc limit 1`,
    [accountId, clientId],
  );
  return rows[0]?.id;
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
  await db.query(
    `delete from oidc_payloads where grant_id = $1 and model <> 'Grant' and (payload->>'sessionUid') is distinct from $2`,
    [grantId, sessionUid],
  );
}

/** Forgets that a session signed in to a client (after the citizen revoked that client). */
export async function removeSessionAuthorization(db: Queryable, sessionId: string, clientId: string): Promise<void> {
  await db.query(
    `update oidc_payloads set payload = payload #- array['authorizations', $2::text] where model = 'Session' and id = $1`,
    [sessionId, clientId],
  );
}

export async function recordSessionActivity(db: Queryable, activity: { uid: string; accountId: string; userAgent?: string; ip?: string }): Promise<void> {
  await db.query(
    `insert into session_activity (session_uid, account_id, user_agent, ip) values ($1, $2, $3, $4)
     on conflict (session_uid) do update set last_seen_at = now(), user_agent = excluded.user_agent, ip = excluded.ip, account_id = excluded.account_id`,
    [activity.uid, activity.accountId, activity.userAgent?.slice(0, 300) ?? null, activity.ip ?? null],
  );
}

export interface SessionActivity {
  uid: string;
  userAgent: string | undefined;
  ip: string | undefined;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export async function listSessionActivity(db: Queryable, accountId: string): Promise<SessionActivity[]> {
  const { rows } = await db.query<{ session_uid: string; user_agent: string | null; ip: string | null; first_seen_at: Date; last_seen_at: Date }>(
    `select session_uid, user_agent, ip, first_seen_at, last_seen_at from session_activity where account_id = $1`,
    [accountId],
  );
  return rows.map((row) => ({ uid: row.session_uid, userAgent: row.user_agent ?? undefined, ip: row.ip ?? undefined, firstSeenAt: row.first_seen_at, lastSeenAt: row.last_seen_at }));
}

/** Activity rows whose session is gone (ended or expired). */
export async function deleteOrphanSessionActivity(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `delete from session_activity a where not exists (
       select 1 from oidc_payloads p where p.model = 'Session' and p.uid = a.session_uid and (p.expires_at is null or p.expires_at > now()))`,
  );
  return rowCount ?? 0;
}
