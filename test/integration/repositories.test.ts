// Accounts, the commune/client registry and signing keys on a real database.
import type { JWK } from 'jose';
import { createAccounts, type Accounts } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { ensureKeys, listPublicKeys, loadKeyMaterial, rotateKeys } from '../../src/oidc/keys.js';
import { createRegistry, type Registry } from '../../src/registry/index.js';
import { createSealer } from '../../src/sealing.js';
import { A_PASSWORD, aClient, aCommune, anAccount } from '../support/builders.js';
import { useFreshDatabase } from '../support/database.js';

const config = loadConfig({ LOG_LEVEL: 'silent' });
const log = createLogger('silent');
const sealer = createSealer('x'.repeat(40));
const CHEAP_ARGON2 = { ...config.argon2, memoryKiB: 1024, timeCost: 1, parallelism: 1 };

const database = useFreshDatabase();
let accounts: Accounts;
let registry: Registry;

beforeAll(async () => {
  accounts = createAccounts({ db: database.pool, config: { ...config, argon2: CHEAP_ARGON2 }, log });
  registry = createRegistry({ db: database.pool, sealer, log, cacheTtlSeconds: 300 });
});

async function refusalOf(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof AppError) return error;
  throw new Error(`expected an AppError, got ${String(error)}`);
}

async function storedHashOf(email: string): Promise<string> {
  const { rows } = await database.pool.query<{ password_hash: string }>(
    'select password_hash from accounts where lower(email) = lower($1)',
    [email],
  );
  return rows[0]!.password_hash;
}

describe('accounts', () => {
  it('registers a citizen and never hands back the password hash', async () => {
    const account = await accounts.register({ email: '  jeanne.dupont@example.org ', password: A_PASSWORD, givenName: ' Jeanne ' });
    expect(account).toMatchObject({ email: 'jeanne.dupont@example.org', givenName: 'Jeanne', emailVerified: false, locale: 'fr' });
    expect(account).not.toHaveProperty('passwordHash');
    expect(await accounts.findById(account.id)).toEqual(account);
  });

  it('refuses an email already taken, whatever its case', async () => {
    await anAccount(accounts, { email: 'paul.martin@example.org' });
    const error = await refusalOf(accounts.register({ email: 'Paul.Martin@Example.ORG', password: A_PASSWORD }));
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('email_taken');
  });

  it('refuses an invalid email and a password outside the policy', async () => {
    expect((await refusalOf(accounts.register({ email: 'not-an-email', password: A_PASSWORD }))).code).toBe('email_invalid');
    expect((await refusalOf(accounts.register({ email: 'court@example.org', password: 'court' }))).code).toBe('password_too_short');
  });

  it('authenticates with the right password, the email in any case', async () => {
    const citizen = await anAccount(accounts, { email: 'amina.benali@example.org' });
    const authenticated = await accounts.authenticate('Amina.Benali@example.org', citizen.password);
    expect(authenticated?.id).toBe(citizen.id);
    expect(authenticated).not.toHaveProperty('passwordHash');
    expect((await accounts.findById(citizen.id))?.lastLoginAt).toBeInstanceOf(Date);
  });

  it('answers nothing for a wrong password or an unknown email', async () => {
    const citizen = await anAccount(accounts);
    expect(await accounts.authenticate(citizen.email, 'pas le bon mot de passe')).toBeUndefined();
    expect(await accounts.authenticate('personne@example.org', A_PASSWORD)).toBeUndefined();
  });

  it('finds nobody under an unknown or malformed id', async () => {
    expect(await accounts.findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await accounts.findById("1' or '1'='1")).toBeUndefined();
  });

  it('rehashes a password at login when the argon2 parameters grew, and only then', async () => {
    const citizen = await anAccount(accounts);
    const before = await storedHashOf(citizen.email);
    const stronger = createAccounts({ db: database.pool, config: { ...config, argon2: { ...CHEAP_ARGON2, timeCost: 2 } }, log });

    expect((await stronger.authenticate(citizen.email, citizen.password))?.id).toBe(citizen.id);
    const after = await storedHashOf(citizen.email);
    expect(after).not.toBe(before);
    expect(after).toContain('t=2');

    expect(await stronger.authenticate(citizen.email, citizen.password)).toBeDefined();
    expect(await storedHashOf(citizen.email)).toBe(after);
  });
});

describe('registry: communes', () => {
  it('adds a commune with its defaults', async () => {
    const commune = await registry.addCommune({ slug: 'vaulx-en-velin', name: 'Vaulx-en-Velin', inseeCode: '69256', population: 52000 });
    expect(commune).toMatchObject({
      slug: 'vaulx-en-velin',
      name: 'Vaulx-en-Velin',
      inseeCode: '69256',
      population: 52000,
      isPilot: false,
      offer: 'global',
    });
    expect(await registry.getCommune('vaulx-en-velin')).toEqual(commune);
  });

  it.each([
    [{ slug: 'Lyon Centre', name: 'Lyon' }, 'commune_slug_invalid'],
    [{ slug: 'lyon--1', name: 'Lyon' }, 'commune_slug_invalid'],
    [{ slug: 'lyon-1', name: '  ' }, 'commune_name_invalid'],
    [{ slug: 'lyon-1', name: 'Lyon', inseeCode: '6912' }, 'commune_insee_invalid'],
    [{ slug: 'lyon-1', name: 'Lyon', population: -1 }, 'commune_population_invalid'],
    [{ slug: 'lyon-1', name: 'Lyon', offer: 'premium' }, 'commune_offer_invalid'],
  ])('refuses %j with %s', async (input, code) => {
    const error = await refusalOf(registry.addCommune(input));
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe(code);
  });

  it('refuses a slug or an INSEE code already registered', async () => {
    await registry.addCommune({ slug: 'bron', name: 'Bron', inseeCode: '69029' });
    expect((await refusalOf(registry.addCommune({ slug: 'bron', name: 'Bron bis' }))).code).toBe('commune_exists');
    const taken = await refusalOf(registry.addCommune({ slug: 'bron-bis', name: 'Bron bis', inseeCode: '69029' }));
    expect(taken.kind).toBe('conflict');
    expect(taken.code).toBe('commune_insee_taken');
  });

  it('answers not_found for an unknown commune', async () => {
    const error = await refusalOf(registry.getCommune('atlantis'));
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('commune_not_found');
  });
});

describe('registry: clients', () => {
  it('refuses a client for an unknown commune', async () => {
    const error = await refusalOf(registry.addClient('atlantis', { name: 'site', redirectUris: ['https://atlantis.example/cb'] }));
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('commune_not_found');
  });

  it('stores the client secret sealed, never in clear', async () => {
    const commune = await aCommune(registry);
    const client = await aClient(registry, commune.slug);
    const { rows } = await database.pool.query<{ client_secret_sealed: string }>(
      'select client_secret_sealed from clients where client_id = $1',
      [client.clientId],
    );
    const sealed = rows[0]!.client_secret_sealed;
    expect(client.clientSecret).toEqual(expect.any(String));
    expect(sealed).not.toBe(client.clientSecret);
    expect(sealed).not.toContain(client.clientSecret);
    expect(await sealer.open(sealed)).toBe(client.clientSecret);
  });

  it('gives the provider the metadata with secret, commune and first-party flag', async () => {
    const commune = await aCommune(registry, { name: 'Villeurbanne' });
    const client = await aClient(registry, commune.slug, { isFirstParty: true });
    expect(await registry.findProviderClient(client.clientId)).toMatchObject({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      commune: commune.slug,
      commune_name: 'Villeurbanne',
      first_party: true,
      redirect_uris: [client.redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
      subject_type: 'pairwise',
    });
  });

  it('gives a public client no secret', async () => {
    const commune = await aCommune(registry);
    const client = await aClient(registry, commune.slug, { isPublic: true });
    expect(client.clientSecret).toBeUndefined();
    const metadata = await registry.findProviderClient(client.clientId);
    expect(metadata).not.toHaveProperty('client_secret');
    expect(metadata?.first_party).toBe(false);
  });

  it('finds no unknown client and writes nothing for a refused one', async () => {
    const commune = await aCommune(registry);
    expect(await registry.findProviderClient('nobody')).toBeUndefined();
    expect((await refusalOf(registry.addClient(commune.slug, { name: 'site', redirectUris: ['http://site.example/cb'] }))).code).toBe(
      'uri_not_https',
    );
    expect(await registry.listClients(commune.slug)).toEqual([]);
  });
});

describe('signing keys', () => {
  const kidsOf = (jwks: JWK[]) => jwks.map((jwk) => jwk.kid);
  const firstSigning = async (alg: string) => (await loadKeyMaterial(database.pool, sealer)).jwks.find((jwk) => jwk.alg === alg)?.kid;
  const withDelay = (activationDelaySeconds: number) => ({ ...config, keys: { ...config.keys, activationDelaySeconds } });

  beforeAll(async () => {
    await ensureKeys(database.pool, sealer);
  });

  it('creates one RS256 and one ES256 key once, however often it runs', async () => {
    expect((await ensureKeys(database.pool, sealer)).created).toEqual([]);
    const published = await listPublicKeys(database.pool);
    expect(published.map((jwk) => jwk.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const jwk of published) expect(jwk).not.toHaveProperty('d');
    const material = await loadKeyMaterial(database.pool, sealer);
    expect(material.jwks.every((jwk) => typeof jwk.d === 'string')).toBe(true);
    expect(material.cookieKeys).toHaveLength(1);
    expect(material.pairwiseSalt).toEqual(expect.any(String));
  });

  it('publishes rotated keys before they sign', async () => {
    const signing = { RS256: await firstSigning('RS256'), ES256: await firstSigning('ES256') };
    const rotation = await rotateKeys(database.pool, sealer, withDelay(300));
    expect(kidsOf(await listPublicKeys(database.pool))).toEqual(expect.arrayContaining(rotation.kids));
    expect(await firstSigning('RS256')).toBe(signing.RS256);
    expect(await firstSigning('ES256')).toBe(signing.ES256);
  });

  it('signs with the new keys once their activation time has come, still publishing the old ones', async () => {
    const previous = await firstSigning('RS256');
    const rotation = await rotateKeys(database.pool, sealer, withDelay(0));
    expect(await firstSigning('RS256')).toBe(rotation.kids[0]);
    expect(await firstSigning('ES256')).toBe(rotation.kids[1]);
    expect(kidsOf(await listPublicKeys(database.pool))).toContain(previous);
  });
});
