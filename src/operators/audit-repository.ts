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

/**
 * What a reader narrows the log to, beside its period's start: its end (excluded), one commune among those it
 * may read, one actor (its id or its label, exactly), and an action or a kind (`client` is every `client.…`).
 */
export interface AuditFilter {
  until?: Date | undefined;
  commune?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
}

/**
 * Entries since a date, newest last; only those of `communes` unless it is 'all', and of the filter. The
 * period uses audit_log_at_idx and the communes the GIN index on `communes`; actor and action are read
 * among the period's rows, which maxEntries bounds.
 */
export async function listAuditEntries(
  db: Queryable,
  since: Date,
  communes: string[] | 'all',
  limit: number,
  filter: AuditFilter = {},
): Promise<AuditRecord[]> {
  const { rows } = await db.query<Row>(
    `select id, at, actor, actor_label, action, commune_slug, target, before, after, origin from audit_log
     where at >= $1 and ($2::text[] is null or communes && $2::text[])
       and ($4::timestamptz is null or at < $4)
       and ($5::text is null or communes @> array[$5::text])
       and ($6::text is null or actor = $6 or actor_label = $6)
       and ($7::text is null or action = $7 or starts_with(action, $7 || '.'))
     order by at, id limit $3`,
    [
      since,
      communes === 'all' ? null : communes,
      limit,
      filter.until ?? null,
      filter.commune ?? null,
      filter.actor ?? null,
      filter.action ?? null,
    ],
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
