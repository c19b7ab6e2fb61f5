// All SQL about signing in again at FranceConnect to confirm an account's deletion: a round trip is answered once
// (`update … where answered_at is null returning`), confirmed when its answer passed every check, and taken by the
// deletion of its own account and session (`delete … returning`), while fresh; expired rows are swept a batch at a time.
import type { Queryable } from '../db/index.js';

export interface ReauthTrip {
  state: string;
  accountId: string;
  sessionUid: string;
  nonce: string;
  codeVerifier: string;
  browserDigest: string;
}

export interface AnsweredReauthTrip extends ReauthTrip {
  startedAt: Date;
}

export async function insertReauthTrip(db: Queryable, trip: ReauthTrip, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into franceconnect_reauthentications (state, account_id, session_uid, nonce, code_verifier, browser_digest, expires_at)
     values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [trip.state, trip.accountId, trip.sessionUid, trip.nonce, trip.codeVerifier, trip.browserDigest, ttlSeconds],
  );
}

/** The round trip of this state, marked answered: a second answer with the same state finds nothing. */
export async function answerReauthTrip(db: Queryable, state: string): Promise<AnsweredReauthTrip | undefined> {
  const { rows } = await db.query<{
    account_id: string;
    session_uid: string;
    nonce: string;
    code_verifier: string;
    browser_digest: string;
    started_at: Date;
  }>(
    `update franceconnect_reauthentications set answered_at = now()
     where state = $1 and answered_at is null and expires_at > now()
     returning account_id, session_uid, nonce, code_verifier, browser_digest, started_at`,
    [state],
  );
  const row = rows[0];
  return (
    row && {
      state,
      accountId: row.account_id,
      sessionUid: row.session_uid,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      browserDigest: row.browser_digest,
      startedAt: row.started_at,
    }
  );
}

/** Whether this state belongs to a deletion's round trip (answered or not): its answer is not a sign-in's. */
export async function isReauthState(db: Queryable, state: string): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from franceconnect_reauthentications where state = $1`, [state]);
  return (rowCount ?? 0) > 0;
}

export async function confirmReauthTrip(db: Queryable, state: string): Promise<void> {
  await db.query(`update franceconnect_reauthentications set confirmed_at = now() where state = $1 and answered_at is not null`, [state]);
}

/** A confirmation of this account and session, younger than `maxAgeSeconds`, taken: it confirms one deletion. */
export async function takeConfirmedReauth(db: Queryable, accountId: string, sessionUid: string, maxAgeSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `delete from franceconnect_reauthentications
     where account_id = $1 and session_uid = $2 and confirmed_at > now() - make_interval(secs => $3) and expires_at > now()`,
    [accountId, sessionUid, maxAgeSeconds],
  );
  return (rowCount ?? 0) > 0;
}

export async function deleteExpiredReauthTrips(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from franceconnect_reauthentications where state in
       (select state from franceconnect_reauthentications where expires_at <= now() limit $1)`,
    [batchSize],
  );
  return rowCount ?? 0;
}
