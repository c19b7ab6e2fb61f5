// All SQL about FranceConnect round trips and the sign-ins they vouched for: a round trip is spent by the one
// answer that names its state (delete … returning, so a replay finds nothing); a sign-in is keyed by its
// interaction, then by the provider's session it opened; expired rows are swept a batch at a time.
import type { Queryable } from '../db/index.js';
import type { FederationProvider } from '../accounts/index.js';

export interface SignInTrip {
  state: string;
  interactionUid: string;
  nonce: string;
  codeVerifier: string;
  browserDigest: string;
}

export interface UpstreamSignIn {
  provider: FederationProvider;
  subject: string;
  identity: Record<string, unknown>;
  acr: string;
  /** The account it signs in to, once decided (found by sub, linked, or created). */
  accountId: string | undefined;
  idTokenSealed: string;
}

interface SignInRow {
  provider: FederationProvider;
  subject: string;
  identity: Record<string, unknown>;
  acr: string;
  account_id: string | null;
  id_token_sealed: string;
}

const toSignIn = (row: SignInRow): UpstreamSignIn => ({
  provider: row.provider,
  subject: row.subject,
  identity: row.identity,
  acr: row.acr,
  accountId: row.account_id ?? undefined,
  idTokenSealed: row.id_token_sealed,
});

export async function insertSignInTrip(db: Queryable, trip: SignInTrip, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into federation_round_trips (state, kind, interaction_uid, nonce, code_verifier, browser_digest, expires_at)
     values ($1, 'sign_in', $2, $3, $4, $5, now() + make_interval(secs => $6))`,
    [trip.state, trip.interactionUid, trip.nonce, trip.codeVerifier, trip.browserDigest, ttlSeconds],
  );
}

/** The sign-in round trip of this state, spent: a second answer with the same state finds nothing. */
export async function takeSignInTrip(db: Queryable, state: string): Promise<SignInTrip | undefined> {
  const { rows } = await db.query<{ interaction_uid: string; nonce: string; code_verifier: string; browser_digest: string }>(
    `delete from federation_round_trips where state = $1 and kind = 'sign_in' and expires_at > now()
     returning interaction_uid, nonce, code_verifier, browser_digest`,
    [state],
  );
  const row = rows[0];
  return (
    row && {
      state,
      interactionUid: row.interaction_uid,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      browserDigest: row.browser_digest,
    }
  );
}

export async function insertSignOutTrip(db: Queryable, state: string, continueTo: string, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into federation_round_trips (state, kind, continue_to, expires_at) values ($1, 'sign_out', $2, now() + make_interval(secs => $3))`,
    [state, continueTo, ttlSeconds],
  );
}

/** Where the logout of this state goes on, spent. */
export async function takeSignOutTrip(db: Queryable, state: string): Promise<string | undefined> {
  const { rows } = await db.query<{ continue_to: string }>(
    `delete from federation_round_trips where state = $1 and kind = 'sign_out' and expires_at > now() returning continue_to`,
    [state],
  );
  return rows[0]?.continue_to;
}

/** The identity vouched for in this interaction (a new answer in the same interaction replaces the one before). */
export async function putInteractionSignIn(
  db: Queryable,
  interactionUid: string,
  signIn: UpstreamSignIn,
  ttlSeconds: number,
): Promise<void> {
  await db.query(
    `insert into federation_sign_ins (key_kind, key, provider, subject, identity, acr, account_id, id_token_sealed, expires_at)
     values ('interaction', $1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))
     on conflict (key_kind, key) do update set provider = excluded.provider, subject = excluded.subject, identity = excluded.identity,
       acr = excluded.acr, account_id = excluded.account_id, id_token_sealed = excluded.id_token_sealed, expires_at = excluded.expires_at`,
    [
      interactionUid,
      signIn.provider,
      signIn.subject,
      JSON.stringify(signIn.identity),
      signIn.acr,
      signIn.accountId ?? null,
      signIn.idTokenSealed,
      ttlSeconds,
    ],
  );
}

export async function findInteractionSignIn(db: Queryable, interactionUid: string): Promise<UpstreamSignIn | undefined> {
  const { rows } = await db.query<SignInRow>(
    `select provider, subject, identity, acr, account_id, id_token_sealed from federation_sign_ins
     where key_kind = 'interaction' and key = $1 and expires_at > now()`,
    [interactionUid],
  );
  return rows[0] && toSignIn(rows[0]);
}

/** The account the interaction's identity signs in to, decided. */
export async function setInteractionAccount(db: Queryable, interactionUid: string, accountId: string): Promise<void> {
  await db.query(`update federation_sign_ins set account_id = $2 where key_kind = 'interaction' and key = $1`, [interactionUid, accountId]);
}

export async function deleteInteractionSignIn(db: Queryable, interactionUid: string): Promise<void> {
  await db.query(`delete from federation_sign_ins where key_kind = 'interaction' and key = $1`, [interactionUid]);
}

/**
 * The interaction resumed into the provider's session `sessionUid`, signed in to `accountId`: its upstream
 * sign-in now belongs to that session (for as long as a session lives), when it was that account's.
 */
export async function bindSignInToSession(
  db: Queryable,
  interactionUid: string,
  sessionUid: string,
  accountId: string,
  ttlSeconds: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `with moved as (
       delete from federation_sign_ins where key_kind = 'interaction' and key = $1 and account_id = $3 and expires_at > now()
       returning provider, subject, identity, acr, account_id, id_token_sealed
     )
     insert into federation_sign_ins (key_kind, key, provider, subject, identity, acr, account_id, id_token_sealed, expires_at)
     select 'session', $2, provider, subject, identity, acr, account_id, id_token_sealed, now() + make_interval(secs => $4) from moved
     on conflict (key_kind, key) do update set provider = excluded.provider, subject = excluded.subject, identity = excluded.identity,
       acr = excluded.acr, account_id = excluded.account_id, id_token_sealed = excluded.id_token_sealed, expires_at = excluded.expires_at`,
    [interactionUid, sessionUid, accountId, ttlSeconds],
  );
  return (rowCount ?? 0) > 0;
}

/** The upstream sign-in of the provider's session that just ended, spent. */
export async function takeSessionSignIn(db: Queryable, sessionUid: string): Promise<UpstreamSignIn | undefined> {
  const { rows } = await db.query<SignInRow>(
    `delete from federation_sign_ins where key_kind = 'session' and key = $1 and expires_at > now()
     returning provider, subject, identity, acr, account_id, id_token_sealed`,
    [sessionUid],
  );
  return rows[0] && toSignIn(rows[0]);
}

/** Expired round trips and sign-ins, at most `batchSize` of each: a session that ended without a logout leaves its row to this. */
export async function deleteExpiredFederationRows(db: Queryable, batchSize: number): Promise<number> {
  const trips = await db.query(
    `delete from federation_round_trips where state in (select state from federation_round_trips where expires_at <= now() limit $1)`,
    [batchSize],
  );
  const signIns = await db.query(
    `delete from federation_sign_ins where (key_kind, key) in
       (select key_kind, key from federation_sign_ins where expires_at <= now() limit $1)`,
    [batchSize],
  );
  return (trips.rowCount ?? 0) + (signIns.rowCount ?? 0);
}
