// All SQL about passkeys and their WebAuthn challenges. A challenge is taken by `delete … returning`, so it
// answers one ceremony only, whatever the race; a use moves the signature counter by one conditional
// update, so a cloned authenticator replaying an older counter is refused even between parallel requests.
import type { Queryable } from '../../db/index.js';

export interface PasskeyRow {
  id: string;
  accountId: string;
  credentialId: string;
  publicKey: Uint8Array;
  signCount: number;
  transports: string[];
  isBackedUp: boolean;
  isMultiDevice: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | undefined;
}

export type NewPasskey = Pick<
  PasskeyRow,
  'accountId' | 'credentialId' | 'publicKey' | 'signCount' | 'transports' | 'isBackedUp' | 'isMultiDevice' | 'name'
>;

interface Row {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: Buffer;
  sign_count: string;
  transports: string[];
  is_backed_up: boolean;
  is_multi_device: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = `id, account_id, credential_id, public_key, sign_count, transports, is_backed_up, is_multi_device, name, created_at, last_used_at`;

const toPasskey = (row: Row): PasskeyRow => ({
  id: row.id,
  accountId: row.account_id,
  credentialId: row.credential_id,
  publicKey: new Uint8Array(row.public_key),
  signCount: Number(row.sign_count),
  transports: row.transports,
  isBackedUp: row.is_backed_up,
  isMultiDevice: row.is_multi_device,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at ?? undefined,
});

/** The new passkey, or undefined when its credential is already registered (to this account or another). */
export async function insertPasskey(db: Queryable, passkey: NewPasskey): Promise<PasskeyRow | undefined> {
  const { rows } = await db.query<Row>(
    `insert into passkeys (account_id, credential_id, public_key, sign_count, transports, is_backed_up, is_multi_device, name)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (credential_id) do nothing
     returning ${COLUMNS}`,
    [
      passkey.accountId,
      passkey.credentialId,
      Buffer.from(passkey.publicKey),
      passkey.signCount,
      passkey.transports,
      passkey.isBackedUp,
      passkey.isMultiDevice,
      passkey.name,
    ],
  );
  return rows[0] && toPasskey(rows[0]);
}

/** The account's passkeys, oldest first (passkeys_account_idx). */
export async function listPasskeys(db: Queryable, accountId: string): Promise<PasskeyRow[]> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from passkeys where account_id = $1 order by created_at, id`, [accountId]);
  return rows.map(toPasskey);
}

export async function countPasskeys(db: Queryable, accountId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`select count(*)::int as count from passkeys where account_id = $1`, [accountId]);
  return rows[0]?.count ?? 0;
}

/** By the credential id an authenticator answers with (the unique index of credential_id). */
export async function findPasskeyByCredentialId(db: Queryable, credentialId: string): Promise<PasskeyRow | undefined> {
  const { rows } = await db.query<Row>(`select ${COLUMNS} from passkeys where credential_id = $1`, [credentialId]);
  return rows[0] && toPasskey(rows[0]);
}

/**
 * Records a use: the new counter, the backup state the authenticator now reports, and last_used_at. Refused
 * (false) when the counter does not go up while either is non-zero: the WebAuthn sign of a cloned key.
 * Authenticators that keep no counter answer 0 every time, and that stays accepted.
 */
export async function recordPasskeyUse(db: Queryable, id: string, use: { signCount: number; isBackedUp: boolean }): Promise<boolean> {
  const { rowCount } = await db.query(
    `update passkeys set sign_count = $2, is_backed_up = $3, last_used_at = now()
     where id = $1 and ($2::bigint > sign_count or ($2::bigint = 0 and sign_count = 0))`,
    [id, use.signCount, use.isBackedUp],
  );
  return rowCount === 1;
}

export async function renamePasskey(db: Queryable, accountId: string, id: string, name: string): Promise<boolean> {
  const { rowCount } = await db.query(`update passkeys set name = $3 where account_id = $1 and id = $2`, [accountId, id, name]);
  return rowCount === 1;
}

/**
 * Deletes one of the account's passkeys: its name, or undefined when the account has no such passkey or when it
 * is the account's last way in (no password of ours, no FranceConnect link, no other passkey). The account's row
 * is locked first, so that two removals at once (or a removal and an unlink) cannot each leave the other's as
 * the last way in and both go; `db` is the caller's transaction.
 */
export async function deletePasskey(db: Queryable, accountId: string, id: string): Promise<string | undefined> {
  await db.query(`select 1 from accounts where id = $1 for update`, [accountId]);
  const { rows } = await db.query<{ name: string }>(
    `delete from passkeys p where p.account_id = $1 and p.id = $2
       and (exists (select 1 from accounts a where a.id = p.account_id and a.password_hash is not null)
            or exists (select 1 from federated_identities f where f.account_id = p.account_id)
            or exists (select 1 from passkeys o where o.account_id = p.account_id and o.id <> p.id))
     returning name`,
    [accountId, id],
  );
  return rows[0]?.name;
}

export async function deletePasskeys(db: Queryable, accountId: string): Promise<number> {
  const { rowCount } = await db.query(`delete from passkeys where account_id = $1`, [accountId]);
  return rowCount ?? 0;
}

/** Keeps the challenge of a ceremony under its key; a new ceremony for the same key replaces the old one. */
export async function putChallenge(db: Queryable, key: string, challenge: string, ttlSeconds: number): Promise<void> {
  await db.query(
    `insert into webauthn_challenges (key, challenge, expires_at) values ($1, $2, now() + make_interval(secs => $3))
     on conflict (key) do update set challenge = excluded.challenge, expires_at = excluded.expires_at`,
    [key, challenge, ttlSeconds],
  );
}

/** Takes the challenge under `key` (it is gone afterwards): undefined when there is none or it expired. */
export async function takeChallenge(db: Queryable, key: string): Promise<string | undefined> {
  const { rows } = await db.query<{ challenge: string; is_live: boolean }>(
    `delete from webauthn_challenges where key = $1 returning challenge, expires_at > now() as is_live`,
    [key],
  );
  return rows[0]?.is_live ? rows[0].challenge : undefined;
}

/** Deletes up to `batchSize` expired challenges (webauthn_challenges_expiry_idx); the number deleted. */
export async function deleteExpiredChallenges(db: Queryable, batchSize: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from webauthn_challenges where key in (
       select key from webauthn_challenges where expires_at <= now() limit $1 for update skip locked
     )`,
    [batchSize],
  );
  return rowCount ?? 0;
}
