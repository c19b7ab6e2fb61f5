// oidc-provider's storage port on Postgres: one row per artefact in oidc_payloads, clients read from the
// registry. Expiry is honoured on read (rows are swept later by cleanup.ts); consuming is one atomic
// update, so of twenty parallel redemptions of one code exactly one wins. Credentials rest only as
// digests and sealed copies (stored-secrets.ts): the library hands us values, we store and look up keys.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Queryable } from '../db/index.js';
import { accountFromJson } from '../accounts/index.js';
import { deleteStoredPayload } from './payload-repository.js';
import { findTokenRow, findRowWithAccount } from './prefetch-repository.js';
import {
  deferringQueryable,
  deferWrites,
  flushRequestWrites,
  sendWithRequestWrites,
  forgetModel,
  isRowPending,
  keepAccount,
  keepLatestGrant,
  keepPayload,
  keepSignInStep,
  markSessionSeen,
  requestOrigin,
  scopedPayload,
  type Write,
} from './request-scope.js';
import { sessionSeenSql, userAgentKept } from './session-activity-repository.js';
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

const LIVE = (alias: string) => `(${alias}.expires_at is null or ${alias}.expires_at > now())`;

// Each statement is prepared once per connection (its name), found through the primary key or its index.
const FIND = {
  id: { name: 'payload-by-id', text: `select payload, consumed_at from oidc_payloads p where model = $1 and id = $2 and ${LIVE('p')}` },
  uid: { name: 'payload-by-uid', text: `select payload, consumed_at from oidc_payloads p where model = $1 and uid = $2 and ${LIVE('p')}` },
  user_code: {
    name: 'payload-by-user-code',
    text: `select payload, consumed_at from oidc_payloads p where model = $1 and user_code = $2 and ${LIVE('p')}`,
  },
} as const;

const TOKEN_MODELS = new Set(['AuthorizationCode', 'AccessToken', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const ACCOUNT_MODELS = new Set(['Interaction', 'Session']);

const UPSERT = {
  name: 'payload-upsert',
  text: `insert into oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, client_id, expires_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
      user_code = excluded.user_code, uid = excluded.uid, account_id = excluded.account_id,
      client_id = excluded.client_id, expires_at = excluded.expires_at`,
};

/** A signed-in session saved with its sighting (when and from where: session-activity-repository.ts). */
const UPSERT_SEEN_SESSION = {
  name: 'session-upsert-seen',
  text: `with saved as (${UPSERT.text})
    ${sessionSeenSql('$6', '$7', '$10', '$11')}`,
};

const CONSUME = {
  name: 'payload-consume',
  text: `update oidc_payloads set consumed_at = now() where model = $1 and id = $2 and consumed_at is null`,
};

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
      const presented = id ?? value;
      const scoped = scopedPayload(this.model, column, presented);
      if (scoped !== undefined) return scoped ?? undefined;
      if (column === 'id' && TOKEN_MODELS.has(this.model)) return this.findTokenWithRelated(value, presented);
      if (column === 'id' && ACCOUNT_MODELS.has(this.model)) return this.findWithAccount(value, presented);
      await flushRequestWrites({ models: [this.model] });
      const { rows } = await db.query<PayloadRow>({ ...FIND[column], values: [this.model, value] });
      return rows[0] && secrets.reveal(this.model, withConsumed(rows[0]), id);
    }

    private async findTokenWithRelated(storedId: string, id: string): Promise<AdapterPayload | undefined> {
      await flushRequestWrites({ models: [this.model, 'Grant', 'Session'] });
      const row = await findTokenRow(db, this.model, storedId);
      if (!row) return undefined;
      const { grantId, sessionUid, accountId } = row.payload as { grantId?: unknown; sessionUid?: unknown; accountId?: unknown };
      if (typeof grantId === 'string') keepPayload('Grant', 'id', grantId, row.grant_payload);
      if (typeof sessionUid === 'string') {
        const session = row.session_payload && { payload: row.session_payload, consumed_at: row.session_consumed_at };
        keepPayload('Session', 'uid', sessionUid, session && (await secrets.reveal('Session', withConsumed(session))));
      }
      if (typeof accountId === 'string') keepAccount(accountId, row.account ? accountFromJson(row.account) : null);
      return secrets.reveal(this.model, withConsumed(row), id);
    }

    private async findWithAccount(storedId: string, id: string): Promise<AdapterPayload | undefined> {
      await flushRequestWrites({ models: [this.model] });
      const isInteraction = this.model === 'Interaction';
      const row = await findRowWithAccount(db, this.model, storedId, isInteraction ? id : null);
      if (!row) return undefined;
      if (isInteraction) keepSignInStep(id, row.sign_in_step);
      if (row.account) {
        const account = accountFromJson(row.account);
        keepAccount(account.id, account);
        const clientId = (row.payload.params as { client_id?: unknown } | undefined)?.client_id;
        if (this.model === 'Interaction' && typeof clientId === 'string') keepLatestGrant(account.id, clientId, row.latest_grant);
      }
      return secrets.reveal(this.model, withConsumed(row), id);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') return clients.upsert(id, payload);
      if (isEmptySession(this.model, payload)) return this.destroy(id);
      const expiresAt = typeof expiresIn === 'number' && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null;
      const stored = await secrets.conceal(this.model, payload);
      const storedId = this.key(id);
      const values = [
        this.model,
        storedId,
        JSON.stringify(stored),
        payload.grantId ?? null,
        payload.userCode ?? null,
        payload.uid ?? null,
        accountIdOf(payload),
        payload.clientId ?? null,
        expiresAt,
      ];
      // A signed-in session saved by a browser's request is a sighting of it, written in the same statement.
      const origin = this.model === 'Session' && payload.accountId ? requestOrigin() : undefined;
      const uid = typeof payload.uid === 'string' ? payload.uid : undefined;
      const sighting = origin && uid ? [userAgentKept(origin.userAgent), origin.ip ?? null] : undefined;
      const writes: Write[] = [{ text: UPSERT.text, values }];
      if (sighting && uid) {
        writes.push({ text: sessionSeenSql('$1', '$2', '$3', '$4'), values: [uid, accountIdOf(payload), ...sighting] });
        markSessionSeen(uid);
      }
      forgetModel(this.model);
      if (deferWrites(db, this.model, storedId, writes)) {
        // Read again in this request, the row is what it will be once written.
        keepPayload(this.model, 'id', id, payload);
        if (uid) keepPayload(this.model, 'uid', uid, payload);
        return;
      }
      if (sighting) await db.query({ ...UPSERT_SEEN_SESSION, values: [...values, ...sighting] });
      else await db.query({ ...UPSERT, values });
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
      forgetModel(this.model);
      const storedId = this.key(id);
      // The request's waiting writes go with it (other rows: the update's answer is its own), unless one is this row.
      if (isRowPending(this.model, storedId)) await flushRequestWrites();
      const { rowCount } = await sendWithRequestWrites({ text: CONSUME.text, values: [this.model, storedId] }, db);
      if (rowCount === 0 && SINGLE_USE_MODELS.has(this.model)) {
        throw new errors.InvalidGrant(`${this.model} already consumed`);
      }
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Client') return clients.destroy(id);
      forgetModel(this.model);
      const storedId = this.key(id);
      const deferred = deferringQueryable(this.model, storedId, db);
      if (deferred) keepPayload(this.model, 'id', id, null);
      await deleteStoredPayload(deferred ?? db, this.model, storedId);
    }

    // Every artefact of the grant goes, whichever model the library asks: tokens and codes. An interaction
    // that names the grant is the citizen's page in progress, not an artefact: it stays, and its consent
    // finds the grant gone (interactions/consent.ts) instead of the page expiring under the citizen.
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const model of TOKEN_MODELS) forgetModel(model);
      forgetModel('Grant');
      // A delete does not see the rows its own statement inserts: whatever waits is written first.
      await flushRequestWrites();
      await db.query(`delete from oidc_payloads where grant_id = $1 and model <> 'Interaction'`, [grantId]);
    }
  }
  return (model: string) => new PostgresAdapter(model);
}
