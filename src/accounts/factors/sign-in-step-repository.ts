// All SQL about sign-ins between their steps: the proofs an interaction has gathered so far.
import type { Queryable } from '../../db/index.js';
import type { Proof } from './assurance.js';

export interface SignInStep {
  accountId: string;
  proofs: Proof[];
}

export async function putSignInStep(db: Queryable, interactionUid: string, step: SignInStep, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into sign_in_steps (interaction_uid, account_id, proofs, expires_at) values ($1, $2, $3, now() + make_interval(secs => $4))
     on conflict (interaction_uid) do update set account_id = excluded.account_id, proofs = excluded.proofs, expires_at = excluded.expires_at`,
    [interactionUid, step.accountId, JSON.stringify(step.proofs), ttlSeconds],
  );
}

export async function findSignInStep(db: Queryable, interactionUid: string): Promise<SignInStep | undefined> {
  const { rows } = await db.query<{ account_id: string; proofs: Proof[] }>(
    `select account_id, proofs from sign_in_steps where interaction_uid = $1 and expires_at > now()`,
    [interactionUid],
  );
  const row = rows[0];
  return row && { accountId: row.account_id, proofs: row.proofs };
}

export async function deleteSignInStep(db: Queryable, interactionUid: string): Promise<void> {
  await db.query(`delete from sign_in_steps where interaction_uid = $1`, [interactionUid]);
}

export async function deleteExpiredSignInSteps(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`delete from sign_in_steps where expires_at <= now()`);
  return rowCount ?? 0;
}
