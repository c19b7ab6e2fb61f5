// All SQL about requests for sensitive scopes and their decisions.
import type { Queryable } from '../db/index.js';

export type ScopeRequestStatus = 'pending' | 'approved' | 'refused';

export interface ScopeRequest {
  id: number;
  clientId: string;
  clientName: string;
  communeSlug: string;
  scope: string;
  status: ScopeRequestStatus;
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | undefined;
  decidedAt: Date | undefined;
  reason: string | undefined;
}

interface Row {
  id: number;
  client_id: string;
  client_name: string;
  commune_slug: string;
  scope: string;
  status: ScopeRequestStatus;
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reason: string | null;
}

const SELECT = `select r.id, r.client_id, c.name as client_name, c.commune_slug, r.scope, r.status, r.requested_by,
  r.requested_at, r.decided_by, r.decided_at, r.reason from scope_requests r join clients c on c.client_id = r.client_id`;

function toRequest(row: Row): ScopeRequest {
  return {
    id: row.id,
    clientId: row.client_id,
    clientName: row.client_name,
    communeSlug: row.commune_slug,
    scope: row.scope,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    reason: row.reason ?? undefined,
  };
}

/** Asks again for scopes (a refused request asked anew becomes pending again). */
export async function insertScopeRequests(db: Queryable, clientId: string, scopes: string[], requestedBy: string): Promise<void> {
  if (scopes.length === 0) return;
  await db.query(
    `insert into scope_requests (client_id, scope, requested_by) select $1, unnest($2::text[]), $3
     on conflict (client_id, scope) do update set status = 'pending', requested_by = excluded.requested_by,
       requested_at = now(), decided_by = null, decided_at = null, reason = null
     where scope_requests.status = 'refused'`,
    [clientId, scopes, requestedBy],
  );
}

export async function listScopeRequests(
  db: Queryable,
  status: ScopeRequestStatus | null,
  communes: string[] | null,
): Promise<ScopeRequest[]> {
  const { rows } = await db.query<Row>(
    `${SELECT} where ($1::text is null or r.status = $1) and ($2::text[] is null or c.commune_slug = any($2::text[]))
     order by r.requested_at, r.id`,
    [status, communes],
  );
  return rows.map(toRequest);
}

export async function findScopeRequest(db: Queryable, id: number): Promise<ScopeRequest | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} where r.id = $1`, [id]);
  return rows[0] && toRequest(rows[0]);
}

/** Decides a pending request; answers false when it was already decided. */
export async function decideScopeRequest(
  db: Queryable,
  id: number,
  status: 'approved' | 'refused',
  decidedBy: string,
  reason: string | undefined,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update scope_requests set status = $2, decided_by = $3, decided_at = now(), reason = $4 where id = $1 and status = 'pending'`,
    [id, status, decidedBy, reason ?? null],
  );
  return rowCount === 1;
}
