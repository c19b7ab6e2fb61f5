// All SQL about operator invitations: a role waiting for the owner of an address to accept it.
import { oneRow, type Queryable } from '../db/index.js';
import { present } from '../errors.js';
import type { Role } from './operator-repository.js';

export interface InvitationRecord {
  id: number;
  email: string;
  role: Role;
  communes: string[];
  createdBy: string;
  createdByLabel: string | undefined;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | undefined;
  cancelledAt: Date | undefined;
}

export interface NewInvitation {
  email: string;
  role: Role;
  communes: string[];
  tokenHash: string;
  createdBy: string;
  createdByLabel: string | undefined;
  expiresAt: Date;
}

interface Row {
  id: string | number;
  email: string;
  role: Role;
  communes: string[];
  created_by: string;
  created_by_label: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  cancelled_at: Date | null;
}

const toRecord = (row: Row): InvitationRecord => ({
  id: Number(row.id),
  email: row.email,
  role: row.role,
  communes: row.communes,
  createdBy: row.created_by,
  createdByLabel: row.created_by_label ?? undefined,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  acceptedAt: row.accepted_at ?? undefined,
  cancelledAt: row.cancelled_at ?? undefined,
});

const SELECT = `select i.id, i.email, i.role, i.created_by, i.created_by_label, i.created_at, i.expires_at, i.accepted_at, i.cancelled_at,
    array(select c.commune_slug from operator_invitation_communes c where c.invitation_id = i.id order by c.commune_slug) as communes
  from operator_invitations i`;

const PENDING = `i.accepted_at is null and i.cancelled_at is null`;

export async function insertInvitation(db: Queryable, invitation: NewInvitation): Promise<InvitationRecord> {
  const { rows } = await db.query<{ id: string }>(
    `insert into operator_invitations (email, role, token_hash, created_by, created_by_label, expires_at)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      invitation.email,
      invitation.role,
      invitation.tokenHash,
      invitation.createdBy,
      invitation.createdByLabel ?? null,
      invitation.expiresAt,
    ],
  );
  const { id } = oneRow(rows, 'insert an invitation');
  if (invitation.communes.length) {
    await db.query(
      `insert into operator_invitation_communes (invitation_id, commune_slug) select $1, unnest($2::text[]) on conflict do nothing`,
      [id, invitation.communes],
    );
  }
  return present(await findInvitationById(db, Number(id)), 'the invitation just inserted');
}

async function findInvitationById(db: Queryable, id: number): Promise<InvitationRecord | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} where i.id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

/** The invitation of a token hash, whatever its state; `forUpdate` locks it for an acceptance. */
export async function findInvitationByTokenHash(
  db: Queryable,
  tokenHash: string,
  forUpdate = false,
): Promise<InvitationRecord | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} where i.token_hash = $1${forUpdate ? ' for update of i' : ''}`, [tokenHash]);
  return rows[0] && toRecord(rows[0]);
}

/** Marks an invitation used; false when it was not pending any more (the row is locked by the caller). */
export async function markInvitationAccepted(db: Queryable, id: number, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update operator_invitations i set accepted_at = now(), accepted_by = $2 where i.id = $1 and ${PENDING} and i.expires_at > now()`,
    [id, accountId],
  );
  return (rowCount ?? 0) > 0;
}

/** Invitations that may still be accepted, oldest first. */
export async function listPendingInvitations(db: Queryable): Promise<InvitationRecord[]> {
  const { rows } = await db.query<Row>(`${SELECT} where ${PENDING} and i.expires_at > now() order by i.created_at, i.id`);
  return rows.map(toRecord);
}

/**
 * Takes communes out of the pending invitations of an address and role (all of them when none are named);
 * an invitation left without a commune, or for the whole role, is cancelled. Answers the invitations changed,
 * as they were before.
 */
export async function cancelPendingInvitations(db: Queryable, email: string, role: Role, communes: string[]): Promise<InvitationRecord[]> {
  const { rows } = await db.query<Row>(`${SELECT} where i.email = $1 and i.role = $2 and ${PENDING} for update of i`, [email, role]);
  const touched = rows
    .map(toRecord)
    .filter((invitation) => communes.length === 0 || invitation.communes.some((slug) => communes.includes(slug)));
  if (touched.length === 0) return [];
  const ids = touched.map((invitation) => invitation.id);
  if (communes.length) {
    await db.query(`delete from operator_invitation_communes where invitation_id = any($1::bigint[]) and commune_slug = any($2::text[])`, [
      ids,
      communes,
    ]);
  }
  // A referent invitation left without a commune invites to nothing.
  await db.query(
    `update operator_invitations i set cancelled_at = now() where i.id = any($1::bigint[])
       and ($2::boolean or not exists (select 1 from operator_invitation_communes c where c.invitation_id = i.id))`,
    [ids, communes.length === 0],
  );
  return touched;
}

/** The account's current address and whether it is verified, locked against a change during an acceptance. */
export async function findAccountAddress(db: Queryable, accountId: string): Promise<{ email: string; emailVerified: boolean } | undefined> {
  const { rows } = await db.query<{ email: string; email_verified: boolean }>(
    `select email, email_verified from accounts where id = $1 for share`,
    [accountId],
  );
  return rows[0] && { email: rows[0].email, emailVerified: rows[0].email_verified };
}
