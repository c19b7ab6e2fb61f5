// All SQL about signing keys and server secrets.
import type { JWK } from 'jose';
import { oneRow, type Queryable } from '../db/index.js';

export type SigningAlg = 'RS256' | 'ES256';

export interface SigningKeyRow {
  kid: string;
  alg: SigningAlg;
  public_jwk: JWK;
  private_jwk_sealed: string;
  created_at: Date;
  signs_from: Date;
  retired_at: Date | null;
  expires_at: Date | null;
  /** Signing now by the database's clock (the one every instance shares). */
  is_signing: boolean;
}

const COLUMNS = `kid, alg, public_jwk, private_jwk_sealed, created_at, signs_from, retired_at, expires_at,
  (signs_from <= now() and (retired_at is null or retired_at > now())) as is_signing`;
const IS_PUBLISHED = '(expires_at is null or expires_at > now())';

// Serialises key creation between instances starting at the same time and `glc keys rotate`.
const KEYS_LOCK = 7_302_115_001;

export async function lockKeys(db: Queryable): Promise<void> {
  await db.query('select pg_advisory_xact_lock($1)', [KEYS_LOCK]);
}

export async function insertSigningKey(
  db: Queryable,
  key: { kid: string; alg: SigningAlg; publicJwk: JWK; privateJwkSealed: string; signsFrom: Date },
): Promise<void> {
  await db.query(`insert into signing_keys (kid, alg, public_jwk, private_jwk_sealed, signs_from) values ($1, $2, $3, $4, $5)`, [
    key.kid,
    key.alg,
    JSON.stringify(key.publicJwk),
    key.privateJwkSealed,
    key.signsFrom,
  ]);
}

/** Keys still published: not expired. Signing ones first (newest first), then upcoming, then retired. */
export async function listPublishedKeys(db: Queryable): Promise<SigningKeyRow[]> {
  const { rows } = await db.query<SigningKeyRow>(
    `select ${COLUMNS}
     from signing_keys
     where ${IS_PUBLISHED}
     order by
       case when signs_from <= now() and (retired_at is null or retired_at > now()) then 0
            when signs_from > now() then 1 else 2 end,
       signs_from desc`,
  );
  return rows;
}

/** A published key (still in the JWKS), whatever its state; undefined when unknown or already unpublished. */
export async function findPublishedKey(db: Queryable, kid: string): Promise<SigningKeyRow | undefined> {
  const { rows } = await db.query<SigningKeyRow>(`select ${COLUMNS} from signing_keys where kid = $1 and ${IS_PUBLISHED}`, [kid]);
  return rows[0];
}

/** How many keys of `alg` other than `except` sign now. */
export async function countOtherSigningKeys(db: Queryable, alg: SigningAlg, except: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `select count(*)::int as count from signing_keys
     where alg = $1 and kid <> $2 and ${IS_PUBLISHED} and signs_from <= now() and (retired_at is null or retired_at > now())`,
    [alg, except],
  );
  return oneRow(rows, 'count the other signing keys').count;
}

/** Takes a key out of the JWKS now: it stops signing and stops verifying. */
export async function unpublishSigningKey(db: Queryable, kid: string): Promise<void> {
  await db.query(`update signing_keys set retired_at = least(coalesce(retired_at, now()), now()), expires_at = now() where kid = $1`, [
    kid,
  ]);
}

/** The database's clock: key times are compared with it, whichever instance reads them. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('select now() as now');
  return oneRow(rows, 'read the clock').now;
}

export async function listAlgsWithLiveKey(db: Queryable): Promise<SigningAlg[]> {
  const { rows } = await db.query<{ alg: SigningAlg }>(`select distinct alg from signing_keys where retired_at is null`);
  return rows.map((row) => row.alg);
}

/** Retires the keys of `alg` that are not retired yet, from `retiredAt`; they stay published until `expiresAt`. */
export async function retireSigningKeys(db: Queryable, alg: SigningAlg, except: string, retiredAt: Date, expiresAt: Date): Promise<void> {
  await db.query(`update signing_keys set retired_at = $3, expires_at = $4 where alg = $1 and kid <> $2 and retired_at is null`, [
    alg,
    except,
    retiredAt,
    expiresAt,
  ]);
}

export type SecretPurpose = 'cookie' | 'pairwise-salt';

export async function listServerSecrets(db: Queryable, purpose: SecretPurpose): Promise<string[]> {
  const { rows } = await db.query<{ value_sealed: string }>(
    `select value_sealed from server_secrets where purpose = $1 order by created_at desc, id desc`,
    [purpose],
  );
  return rows.map((row) => row.value_sealed);
}

export async function insertServerSecret(db: Queryable, purpose: SecretPurpose, valueSealed: string): Promise<void> {
  await db.query(`insert into server_secrets (purpose, value_sealed) values ($1, $2)`, [purpose, valueSealed]);
}

export async function notifyKeysChanged(db: Queryable, channel: string): Promise<void> {
  await db.query('select pg_notify($1, $2)', [channel, 'changed']);
}
