// oidc-provider's storage port on Postgres: one row per artefact in oidc_payloads, clients read from the
// registry. Expiry is honoured on read (rows are swept later by cleanup.ts); consuming is one atomic
// update, so of twenty parallel redemptions of one code exactly one wins. Credentials rest only as
// digests and sealed copies (stored-secrets.ts): the library hands us values, we store and look up keys.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import { deleteStoredPayload } from './payload-repository.js';
import type { StoredSecrets } from './stored-secrets.js';

/** Clients live in the registry: found there, and written there by dynamic registration. */
export interface ClientStore {
  find(clientId: string): Promise<AdapterPayload | undefined>;
  upsert(clientId: string, payload: AdapterPayload): Promise<void>;
  destroy(clientId: string): Promise<void>;
}

// Models whose second use is an attack or a race: a failed consume must stop the request.
const SINGLE_USE_MODELS = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

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
          this.model,
          this.key(id),
          JSON.stringify(stored),
          payload.grantId ?? null,
          payload.userCode ?? null,
          payload.uid ?? null,
          accountIdOf(payload),
          payload.clientId ?? null,
          expiresAt,
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
