// All SQL about relying-party clients.
import { oneRow, type Queryable } from '../db/index.js';
import type { ClientMetadata } from './client-metadata.js';

export interface ClientRecord {
  clientId: string;
  communeSlug: string;
  communeName: string;
  name: string;
  metadata: ClientMetadata;
  clientSecretSealed: string | undefined;
  isFirstParty: boolean;
  /** May ask for the operators' API: made so at creation, or holding an operator role itself. */
  isOperatorTool: boolean;
  isEnabled: boolean;
  createdAt: Date;
  /** While the secret it replaced still works (an overlap after a rotation): when it stops. Never the secret. */
  previousSecretExpiresAt: Date | undefined;
}

interface ClientRow {
  client_id: string;
  commune_slug: string;
  commune_name: string;
  name: string;
  metadata: ClientMetadata;
  client_secret_sealed: string | null;
  is_first_party: boolean;
  is_operator_tool: boolean;
  is_enabled: boolean;
  created_at: Date;
  previous_secret_expires_at: Date | null;
}

function toClient(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    communeSlug: row.commune_slug,
    communeName: row.commune_name,
    name: row.name,
    metadata: row.metadata,
    clientSecretSealed: row.client_secret_sealed ?? undefined,
    isFirstParty: row.is_first_party,
    isOperatorTool: row.is_operator_tool,
    isEnabled: row.is_enabled,
    createdAt: row.created_at,
    previousSecretExpiresAt: row.previous_secret_expires_at ?? undefined,
  };
}

const SELECT = `select c.client_id, c.commune_slug, m.name as commune_name, c.name, c.metadata,
  c.client_secret_sealed, c.is_first_party, c.is_enabled, c.created_at,
  case when c.previous_secret_expires_at > now() then c.previous_secret_expires_at end as previous_secret_expires_at,
  (c.is_operator_tool or exists (select 1 from operators o where o.client_id = c.client_id)) as is_operator_tool
  from clients c join communes m on m.slug = c.commune_slug`;

export interface NewClient {
  clientId: string;
  communeSlug: string;
  metadata: ClientMetadata;
  clientSecretSealed: string | undefined;
  isFirstParty: boolean;
  isOperatorTool: boolean;
}

export async function insertClient(db: Queryable, client: NewClient): Promise<void> {
  await db.query(
    `insert into clients (client_id, commune_slug, name, metadata, client_secret_sealed, is_first_party, is_operator_tool)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      client.clientId,
      client.communeSlug,
      client.metadata.client_name,
      JSON.stringify(client.metadata),
      client.clientSecretSealed ?? null,
      client.isFirstParty,
      client.isOperatorTool,
    ],
  );
}

export async function findClient(db: Queryable, clientId: string): Promise<ClientRecord | undefined> {
  const { rows } = await db.query<ClientRow>(`${SELECT} where c.client_id = $1`, [clientId]);
  return rows[0] && toClient(rows[0]);
}

export async function listClientsOfCommune(db: Queryable, communeSlug: string): Promise<ClientRecord[]> {
  const { rows } = await db.query<ClientRow>(`${SELECT} where c.commune_slug = $1 order by c.created_at`, [communeSlug]);
  return rows.map(toClient);
}

export async function notifyClientChanged(db: Queryable, channel: string, clientId: string): Promise<void> {
  await db.query('select pg_notify($1, $2)', [channel, clientId]);
}

export interface ClientChange {
  metadata: ClientMetadata;
  isEnabled: boolean;
}

export async function updateClient(db: Queryable, clientId: string, change: ClientChange): Promise<boolean> {
  const { rowCount } = await db.query(
    `update clients set name = $2, metadata = $3, is_enabled = $4, updated_at = now() where client_id = $1`,
    [clientId, change.metadata.client_name, JSON.stringify(change.metadata), change.isEnabled],
  );
  return rowCount === 1;
}

/** A new secret that replaces the current one at once (registration's RFC 7592 update): no overlap left. */
export async function updateClientSecret(db: Queryable, clientId: string, clientSecretSealed: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update clients set client_secret_sealed = $2, previous_secret_sealed = null, previous_secret_expires_at = null,
       updated_at = now() where client_id = $1`,
    [clientId, clientSecretSealed],
  );
  return rowCount === 1;
}

/**
 * The new secret in place of the current one, which becomes the previous one until now() + overlap (the
 * database's clock); with no overlap it ends at once. A previous secret still running is dropped: two at most.
 */
export async function rotateClientSecret(
  db: Queryable,
  clientId: string,
  clientSecretSealed: string,
  overlapSeconds: number,
): Promise<{ previousSecretExpiresAt: Date | undefined } | undefined> {
  const { rows } = await db.query<{ previous_secret_expires_at: Date | null }>(
    `update clients set
       previous_secret_sealed = case when $3::integer > 0 then client_secret_sealed end,
       previous_secret_expires_at = case when $3::integer > 0 then now() + make_interval(secs => $3::integer) end,
       client_secret_sealed = $2, updated_at = now()
     where client_id = $1
     returning previous_secret_expires_at`,
    [clientId, clientSecretSealed, overlapSeconds],
  );
  return rows[0] && { previousSecretExpiresAt: rows[0].previous_secret_expires_at ?? undefined };
}

/** The previous secret (sealed) while its overlap runs by the database's clock; undefined once it ended. */
export async function findLivePreviousSecret(db: Queryable, clientId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ previous_secret_sealed: string }>(
    `select previous_secret_sealed from clients
     where client_id = $1 and is_enabled and previous_secret_sealed is not null and previous_secret_expires_at > now()`,
    [clientId],
  );
  return rows[0]?.previous_secret_sealed;
}

export async function deleteClient(db: Queryable, clientId: string): Promise<boolean> {
  const { rowCount } = await db.query(`delete from clients where client_id = $1`, [clientId]);
  return rowCount === 1;
}

export async function countClientsOfCommunes(db: Queryable, communes: string[] | null): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `select count(*) as count from clients where ($1::text[] is null or commune_slug = any($1::text[]))`,
    [communes],
  );
  return oneRow(rows, 'count the clients').count;
}
