// All SQL about the sharing journal: what each site received about a citizen (claim names, never values).
import type { Queryable } from '../db/index.js';

export type SharingChannel = 'id_token' | 'userinfo';

export interface SharingEntry {
  clientId: string;
  clientName: string;
  communeName: string;
  claims: string[];
  channel: SharingChannel;
  createdAt: Date;
}

export async function insertSharingEntry(db: Queryable, accountId: string, entry: Omit<SharingEntry, 'createdAt'>): Promise<void> {
  await db.query(
    `insert into sharing_journal (account_id, client_id, client_name, commune_name, claims, channel) values ($1, $2, $3, $4, $5, $6)`,
    [accountId, entry.clientId, entry.clientName, entry.communeName, entry.claims, entry.channel],
  );
}

export async function listSharingEntries(db: Queryable, accountId: string, limit: number): Promise<SharingEntry[]> {
  const { rows } = await db.query<{
    client_id: string;
    client_name: string;
    commune_name: string;
    claims: string[];
    channel: SharingChannel;
    created_at: Date;
  }>(
    `select client_id, client_name, commune_name, claims, channel, created_at from sharing_journal
     where account_id = $1 order by created_at desc, id desc limit $2`,
    [accountId, limit],
  );
  return rows.map((row) => ({
    clientId: row.client_id,
    clientName: row.client_name,
    communeName: row.commune_name,
    claims: row.claims,
    channel: row.channel,
    createdAt: row.created_at,
  }));
}

export async function deleteSharingEntriesBefore(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(`delete from sharing_journal where created_at < $1`, [before]);
  return rowCount ?? 0;
}
