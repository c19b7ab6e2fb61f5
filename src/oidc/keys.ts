// Signing keys (RS256 required by OIDC, ES256) and server secrets: created at first start, private parts
// sealed under SECRET_KEY, rotated so that a new key is published in the JWKS before it signs, and a
// retired key stays published until what it signed has expired — unless it is retired as compromised,
// which unpublishes it at once. Every algorithm keeps one signing key. Changes are announced (NOTIFY) so
// that every instance reloads its keys without a restart. Each change joins the caller's transaction when
// given one (the command line audits it there: the change and its audit row commit together).
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Config } from '../config.js';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../db/index.js';
import { invalid, notFound, present } from '../errors.js';
import type { Sealer } from '../sealing.js';
import {
  countOtherSigningKeys,
  databaseNow,
  findPublishedKey,
  insertServerSecret,
  insertSigningKey,
  listAlgsWithLiveKey,
  listPublishedKeys,
  listServerSecrets,
  lockKeys,
  notifyKeysChanged,
  retireSigningKeys,
  unpublishSigningKey,
  type SecretPurpose,
  type SigningAlg,
} from './key-repository.js';

export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];
export const KEY_CHANGES_CHANNEL = 'glc_key_changes';

async function newSigningKey(alg: SigningAlg, sealer: Sealer) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  const full: JWK = { ...privateJwk, kid, alg, use: 'sig' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = full;
  return { kid, alg, publicJwk, privateJwkSealed: await sealer.seal(JSON.stringify(full)) };
}

async function ensureSecret(db: Queryable, sealer: Sealer, purpose: SecretPurpose): Promise<void> {
  if ((await listServerSecrets(db, purpose)).length === 0) {
    await insertServerSecret(db, purpose, await sealer.seal(randomBytes(32).toString('base64url')));
  }
}

/** First start: a live key per algorithm, a cookie key and the pairwise salt. Idempotent across instances. */
export async function ensureKeys(pool: Pool | PoolClient, sealer: Sealer): Promise<{ created: string[] }> {
  return withTransaction(pool, async (db) => {
    await lockKeys(db);
    const existing = new Set(await listAlgsWithLiveKey(db));
    const created: string[] = [];
    for (const alg of SIGNING_ALGS.filter((a) => !existing.has(a))) {
      const key = await newSigningKey(alg, sealer);
      await insertSigningKey(db, { ...key, signsFrom: new Date() });
      created.push(key.kid);
    }
    await ensureSecret(db, sealer, 'cookie');
    await ensureSecret(db, sealer, 'pairwise-salt');
    return { created };
  });
}

export interface Rotation {
  kid: string;
  kids: string[];
  signsFrom: Date;
}

export interface RotationOptions {
  /** Sign at once instead of after activationDelay (a suspected compromise: relying parties refetch the JWKS for an unknown kid). */
  now?: boolean;
}

/**
 * New keys are published now and sign from now + activationDelay (longer than any JWKS cache we ask
 * relying parties to keep), or at once with `now`; the previous ones stop signing then and stay published
 * while tokens they signed can still be presented. Times come from the database's clock, which every
 * instance shares.
 */
export async function rotateKeys(
  pool: Pool | PoolClient,
  sealer: Sealer,
  config: Pick<Config, 'keys' | 'ttlSeconds'>,
  options: RotationOptions = {},
): Promise<Rotation> {
  const delaySeconds = options.now ? 0 : config.keys.activationDelaySeconds;
  const longestTokenSeconds = Math.max(config.ttlSeconds.idToken, config.ttlSeconds.accessToken, config.ttlSeconds.clientCredentials);
  return withTransaction(pool, async (db) => {
    await lockKeys(db);
    const signsFrom = new Date((await databaseNow(db)).getTime() + delaySeconds * 1000);
    const expiresAt = new Date(signsFrom.getTime() + (longestTokenSeconds + config.keys.retiredKeyGraceSeconds) * 1000);
    const kids: string[] = [];
    for (const alg of SIGNING_ALGS) {
      const key = await newSigningKey(alg, sealer);
      await insertSigningKey(db, { ...key, signsFrom });
      await retireSigningKeys(db, alg, key.kid, signsFrom, expiresAt);
      kids.push(key.kid);
    }
    await notifyKeysChanged(db, KEY_CHANGES_CHANNEL);
    return { kid: present(kids[0], 'the first key made'), kids, signsFrom };
  });
}

export interface Retirement {
  kid: string;
  alg: SigningAlg;
  /** The key's times before it was unpublished (for the audit). */
  signsFrom: Date;
  retiredAt: Date | null;
}

/**
 * A compromised key leaves the JWKS now, so that what it signed stops verifying anywhere; refused for the
 * only key of its algorithm signing now (the provider could no longer sign with it): rotate --now first.
 */
export async function retireKey(pool: Pool | PoolClient, kid: string): Promise<Retirement> {
  return withTransaction(pool, async (db) => {
    await lockKeys(db);
    const key = await findPublishedKey(db, kid);
    if (!key) throw notFound('key_not_found', `no published signing key "${kid}" (unknown, or already retired)`);
    if ((await countOtherSigningKeys(db, key.alg, kid)) === 0) {
      throw invalid(
        'key_last_signing',
        `key "${kid}" is the only ${key.alg} signing key: run "glc keys rotate --now" first, then retire it`,
      );
    }
    await unpublishSigningKey(db, kid);
    await notifyKeysChanged(db, KEY_CHANGES_CHANNEL);
    return { kid, alg: key.alg, signsFrom: key.signs_from, retiredAt: key.retired_at };
  });
}

export interface KeyMaterial {
  /** Private JWKs in the order the provider should prefer them for signing. */
  jwks: JWK[];
  /** The newest first: it signs; the others still verify. */
  cookieKeys: [string, ...string[]];
  pairwiseSalt: string;
  /** Changes whenever the published set or the signing order changes. */
  fingerprint: string;
}

export async function loadKeyMaterial(db: Queryable, sealer: Sealer): Promise<KeyMaterial> {
  const rows = await listPublishedKeys(db);
  // Keys not yet signing are still handed over (for the JWKS) but after the signing ones, so never chosen first.
  const jwks = await Promise.all(rows.map(async (row) => JSON.parse(await sealer.open(row.private_jwk_sealed)) as JWK));
  const [newest, ...older] = await Promise.all((await listServerSecrets(db, 'cookie')).map((value) => sealer.open(value)));
  const [saltSealed] = await listServerSecrets(db, 'pairwise-salt');
  if (!saltSealed || newest === undefined || jwks.length === 0) throw new Error('keys missing: run ensureKeys first');
  const cookieKeys: [string, ...string[]] = [newest, ...older];
  const fingerprint = rows.map((row) => `${row.kid}:${row.is_signing ? 's' : 'p'}`).join(',');
  return { jwks, cookieKeys, pairwiseSalt: await sealer.open(saltSealed), fingerprint };
}

/** The published public keys, as the JWKS endpoint shows them (for the CLI and tests). */
export async function listPublicKeys(db: Queryable): Promise<JWK[]> {
  return (await listPublishedKeys(db)).map((row) => row.public_jwk);
}
