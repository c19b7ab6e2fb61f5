// All SQL about the audit log: append and read, nothing else (the table refuses updates and deletes).
import type { Queryable } from '../db/index.js';

export interface AuditEntry {
  actor: string;
  actorLabel?: string | undefined;
  action: string;
  communeSlug?: string | undefined;
  /** Every commune the change touches, when there are several (communeSlug names one). */
  communes?: string[] | undefined;
  target?: string | undefined;
  before?: unknown;
  after?: unknown;
  origin?: string | undefined;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

export async function insertAuditEntry(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (actor, actor_label, action, commune_slug, communes, target, before, after, origin)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.actor,
      entry.actorLabel ?? null,
      entry.action,
      entry.communeSlug ?? null,
      [...new Set([...(entry.communes ?? []), ...(entry.communeSlug ? [entry.communeSlug] : [])])],
      entry.target ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.origin ?? null,
    ],
  );
}

interface Row {
  id: number;
  at: Date;
  actor: string;
  actor_label: string | null;
  action: string;
  commune_slug: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
  origin: string | null;
}

/** Entries since a date, newest last; only those of `communes` unless it is 'all'. */
export async function listAuditEntries(db: Queryable, since: Date, communes: string[] | 'all', limit: number): Promise<AuditRecord[]> {
  const { rows } = await db.query<Row>(
    `select id, at, actor, actor_label, action, commune_slug, target, before, after, origin from audit_log
     where at >= $1 and ($2::text[] is null or communes && $2::text[])
     order by at, id limit $3`,
    [since, communes === 'all' ? null : communes, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    actorLabel: row.actor_label ?? undefined,
    action: row.action,
    communeSlug: row.commune_slug ?? undefined,
    target: row.target ?? undefined,
    before: row.before ?? undefined,
    after: row.after ?? undefined,
    origin: row.origin ?? undefined,
  }));
}
