// All SQL about operators and the communes they manage.
import { oneRow, type Queryable } from '../db/index.js';

export const ROLES = ['metropole-admin', 'commune-referent', 'syndicate-operator', 'counter-agent'] as const;
export type Role = (typeof ROLES)[number];

export type OperatorSubject = { accountId: string } | { clientId: string };

export interface OperatorRole {
  role: Role;
  communes: string[];
}

export interface OperatorRecord {
  accountId: string | undefined;
  clientId: string | undefined;
  email: string | undefined;
  roles: OperatorRole[];
}

const subjectColumn = (subject: OperatorSubject) => ('accountId' in subject ? 'account_id' : 'client_id');
const subjectValue = (subject: OperatorSubject) => ('accountId' in subject ? subject.accountId : subject.clientId);

/** Gives the role (once) and adds communes to it; answers the operator's role id. */
export async function upsertOperatorRole(db: Queryable, subject: OperatorSubject, role: Role, communes: string[]): Promise<number> {
  const column = subjectColumn(subject);
  const { rows } = await db.query<{ id: number }>(
    `insert into operators (${column}, role) values ($1, $2)
     on conflict (${column}, role) where ${column} is not null do update set role = excluded.role
     returning id`,
    [subjectValue(subject), role],
  );
  const { id } = oneRow(rows, 'upsert an operator');
  if (communes.length) {
    await db.query(`insert into operator_communes (operator_id, commune_slug) select $1, unnest($2::text[]) on conflict do nothing`, [
      id,
      communes,
    ]);
  }
  return id;
}

/** Removes communes from a role, or the whole role when none are named; answers whether anything changed. */
export async function removeOperatorRole(db: Queryable, subject: OperatorSubject, role: Role, communes: string[]): Promise<boolean> {
  const column = subjectColumn(subject);
  if (communes.length === 0) {
    const { rowCount } = await db.query(`delete from operators where ${column} = $1 and role = $2`, [subjectValue(subject), role]);
    return (rowCount ?? 0) > 0;
  }
  const { rowCount } = await db.query(
    `delete from operator_communes where commune_slug = any($3::text[])
       and operator_id in (select id from operators where ${column} = $1 and role = $2)`,
    [subjectValue(subject), role, communes],
  );
  // A referent left without a commune is no referent at all.
  await db.query(
    `delete from operators o where o.${column} = $1 and o.role = $2 and o.role <> 'metropole-admin'
       and not exists (select 1 from operator_communes c where c.operator_id = o.id)`,
    [subjectValue(subject), role],
  );
  return (rowCount ?? 0) > 0;
}

interface Row {
  account_id: string | null;
  client_id: string | null;
  email: string | null;
  role: Role;
  communes: string[];
}

function group(rows: Row[]): OperatorRecord[] {
  const bySubject = new Map<string, OperatorRecord>();
  for (const row of rows) {
    const key = row.account_id ? `a:${row.account_id}` : `c:${row.client_id}`;
    const record = bySubject.get(key) ?? {
      accountId: row.account_id ?? undefined,
      clientId: row.client_id ?? undefined,
      email: row.email ?? undefined,
      roles: [],
    };
    record.roles.push({ role: row.role, communes: row.communes });
    bySubject.set(key, record);
  }
  return [...bySubject.values()];
}

const SELECT = `select o.account_id, o.client_id, a.email, o.role,
    coalesce(array_agg(c.commune_slug order by c.commune_slug) filter (where c.commune_slug is not null), '{}') as communes
  from operators o
  left join accounts a on a.id = o.account_id
  left join operator_communes c on c.operator_id = o.id`;

export async function findOperator(db: Queryable, subject: OperatorSubject): Promise<OperatorRecord | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} where o.${subjectColumn(subject)} = $1 group by o.id, a.email order by o.role`, [
    subjectValue(subject),
  ]);
  return group(rows)[0];
}

export async function listOperators(db: Queryable): Promise<OperatorRecord[]> {
  const { rows } = await db.query<Row>(`${SELECT} group by o.id, a.email order by a.email nulls last, o.client_id, o.role`);
  return group(rows);
}
