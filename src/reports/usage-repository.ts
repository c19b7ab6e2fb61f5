// All SQL about usage figures: sign-ins to each commune's sites, and the reports built on them.
import type { Queryable } from '../db/index.js';

export async function insertSignIn(db: Queryable, signIn: { clientId: string; communeSlug: string; accountId: string }): Promise<void> {
  await db.query(`insert into sign_ins (client_id, commune_slug, account_id) values ($1, $2, $3)`, [
    signIn.clientId,
    signIn.communeSlug,
    signIn.accountId,
  ]);
}

export interface CommuneUsage {
  commune: string;
  name: string;
  logins: number;
  citizens: number;
  newAccounts: number;
}

export interface ClientUsage {
  commune: string;
  clientId: string;
  clientName: string;
  logins: number;
  citizens: number;
}

/** Per commune, for the month starting at `start`: sign-ins, distinct citizens, accounts registered from its sites. */
export async function communeUsage(db: Queryable, start: Date, end: Date, communes: string[] | null): Promise<CommuneUsage[]> {
  const { rows } = await db.query<{ slug: string; name: string; logins: number; citizens: number; new_accounts: number }>(
    `select m.slug, m.name,
       (select count(*) from sign_ins s where s.commune_slug = m.slug and s.at >= $1 and s.at < $2) as logins,
       (select count(distinct s.account_id) from sign_ins s where s.commune_slug = m.slug and s.at >= $1 and s.at < $2) as citizens,
       (select count(*) from accounts a join clients c on c.client_id = a.registered_via_client
          where c.commune_slug = m.slug and a.created_at >= $1 and a.created_at < $2) as new_accounts
     from communes m where ($3::text[] is null or m.slug = any($3::text[])) order by m.slug`,
    [start, end, communes],
  );
  return rows.map((row) => ({
    commune: row.slug,
    name: row.name,
    logins: row.logins,
    citizens: row.citizens,
    newAccounts: row.new_accounts,
  }));
}

export async function clientUsage(db: Queryable, start: Date, end: Date, communes: string[] | null): Promise<ClientUsage[]> {
  const { rows } = await db.query<{ commune_slug: string; client_id: string; name: string; logins: number; citizens: number }>(
    `select c.commune_slug, c.client_id, c.name, count(s.id) as logins, count(distinct s.account_id) as citizens
     from clients c left join sign_ins s on s.client_id = c.client_id and s.at >= $1 and s.at < $2
     where ($3::text[] is null or c.commune_slug = any($3::text[]))
     group by c.commune_slug, c.client_id, c.name order by c.commune_slug, c.name`,
    [start, end, communes],
  );
  return rows.map((row) => ({
    commune: row.commune_slug,
    clientId: row.client_id,
    clientName: row.name,
    logins: row.logins,
    citizens: row.citizens,
  }));
}
