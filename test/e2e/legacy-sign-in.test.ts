// An account imported from the communes' sites signs in through the real login page with its old password,
// whatever the site's hash format; that first sign-in replaces every legacy hash of the account with our
// argon2id hash of the same password, so the old password goes on working and any other legacy one stops.
import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { createRequire } from 'node:module';
import { encrypt } from 'unixcrypt';
import { insertAccount } from '../../src/accounts/account-repository.js';
import { legacyHashFormat, type LegacyHashFormat } from '../../src/accounts/legacy-hashes.js';
import { loginPageAt, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const drupal = createRequire(import.meta.url)('drupal-hash') as { hashPassword(password: string, countLog2?: number): string };

const world = useWorld(() => anOidcWorld({ communes: ['lyon', 'oullins'], clients: { site: {} } }));

/** An imported citizen: an account with no password of ours, and one row per commune site it came from. */
async function anImportedCitizen(legacyHashes: Array<[commune: string, hash: string]>, ownHash?: string) {
  const email = `imported-${createHash('sha256').update(Math.random().toString()).digest('hex').slice(0, 12)}@example.org`;
  const account = await insertAccount(world.server.pool, { email, emailVerified: true, passwordHash: ownHash, locale: 'fr' });
  if (!account) throw new Error('the address is taken');
  for (const [index, [commune, hash]] of legacyHashes.entries()) {
    await world.server.pool.query(
      'insert into legacy_accounts (commune_slug, legacy_id, account_id, legacy_password_hash) values ($1, $2, $3, $4)',
      [commune, `site-user-${index}-${account.id}`, account.id, hash],
    );
  }
  return { id: account.id, email };
}

async function storedHashes(accountId: string) {
  const own = await world.server.pool.query<{ password_hash: string | null }>('select password_hash from accounts where id = $1', [
    accountId,
  ]);
  const legacy = await world.server.pool.query<{ legacy_password_hash: string | null }>(
    'select legacy_password_hash from legacy_accounts where account_id = $1',
    [accountId],
  );
  return { own: own.rows[0]?.password_hash ?? null, legacy: legacy.rows.map((row) => row.legacy_password_hash) };
}

async function securityEvents(accountId: string): Promise<string[]> {
  const { rows } = await world.server.pool.query<{ kind: string }>('select kind from security_events where account_id = $1 order by id', [
    accountId,
  ]);
  return rows.map((row) => row.kind);
}

/** The code flow at the commune's site through the login page; answers the ID token's sub. */
async function signsIn(email: string, password: string): Promise<string> {
  const { tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), { email, password });
  return tokens.claims()!.sub;
}

/** The login page's answer to these credentials (a refusal stays on the page). */
async function loginAnswer(email: string, password: string) {
  const agent = new UserAgent(world.server.issuer);
  return agent.submit(await loginPageAt(world.site, agent), { email, password });
}

const FORMATS: Array<[LegacyHashFormat, () => Promise<{ hash: string; password: string }>]> = [
  [
    'bcrypt',
    async () => ({
      hash: (await bcrypt.hash('ancien mot de passe bcrypt', 4)).replace(/^\$2b\$/, '$2y$'),
      password: 'ancien mot de passe bcrypt',
    }),
  ],
  // Django's own test vector (1.8's test_pbkdf2): Django writes this format, no package of ours does.
  [
    'django-pbkdf2-sha256',
    () => Promise.resolve({ hash: 'pbkdf2_sha256$20000$seasalt$oBSd886ysm3AqYun62DOdin8YcfbU1z9cksZSuLP9r0=', password: 'lètmein' }),
  ],
  [
    'drupal7',
    () => Promise.resolve({ hash: drupal.hashPassword('ancien mot de passe drupal', 10), password: 'ancien mot de passe drupal' }),
  ],
  // John the Ripper's vectors of phpass as WordPress ($P$) and phpBB ($H$) write it.
  ['phpass', () => Promise.resolve({ hash: '$P$900000000m6YEJzWtTmNBBL4jypbHv1', password: 'openwall' })],
  ['phpass', () => Promise.resolve({ hash: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00', password: 'test1' })],
  [
    'sha256-crypt',
    () =>
      Promise.resolve({ hash: encrypt('ancien mot de passe sha256', '$5$rounds=2000$saltsalt'), password: 'ancien mot de passe sha256' }),
  ],
  [
    'sha512-crypt',
    () => Promise.resolve({ hash: encrypt('ancien mot de passe sha512', '$6$saltsaltsalt'), password: 'ancien mot de passe sha512' }),
  ],
  [
    'argon2',
    async () => ({
      hash: await argon2.hash('ancien mot de passe argon2i', { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 }),
      password: 'ancien mot de passe argon2i',
    }),
  ],
];

describe('the first sign-in of an imported account', () => {
  it.each(FORMATS)('opens with the old password of a %s hash, then holds our argon2id hash alone', async (format, make) => {
    const { hash, password } = await make();
    expect(legacyHashFormat(hash)).toBe(format);
    const citizen = await anImportedCitizen([['lyon', hash]]);

    const sub = await signsIn(citizen.email, password);

    const after = await storedHashes(citizen.id);
    expect(after.own).toMatch(/^\$argon2id\$/);
    expect(after.legacy).toEqual([null]);
    expect(await securityEvents(citizen.id)).toEqual(['login']);
    // The same password, now checked against ours: the same account.
    expect(await signsIn(citizen.email, password)).toBe(sub);
    expect((await storedHashes(citizen.id)).own).toBe(after.own);
  });

  it('accepts either of two communes’ passwords until then, and only the one used afterwards', async () => {
    const lyonPassword = 'le mot de passe du portail famille';
    const oullinsPassword = 'le mot de passe de la bibliothèque';
    const citizen = await anImportedCitizen([
      ['lyon', await bcrypt.hash(lyonPassword, 4)],
      ['oullins', encrypt(oullinsPassword, '$6$oullinssalt')],
    ]);

    await signsIn(citizen.email, oullinsPassword);

    expect((await storedHashes(citizen.id)).legacy).toEqual([null, null]);
    const refused = await loginAnswer(citizen.email, lyonPassword);
    expect(refused).toMatchObject({ status: 401 });
    expect(await securityEvents(citizen.id)).toEqual(['login', 'login_failed']);
    await signsIn(citizen.email, oullinsPassword);
  });

  it('records a wrong password as a failed login and keeps the legacy hash for the right one', async () => {
    const hash = await bcrypt.hash('le bon ancien mot de passe', 4);
    const citizen = await anImportedCitizen([['lyon', hash]]);

    const refused = await loginAnswer(citizen.email, 'un mauvais mot de passe');

    expect(refused).toMatchObject({ status: 401 });
    expect(await securityEvents(citizen.id)).toEqual(['login_failed']);
    expect(await storedHashes(citizen.id)).toEqual({ own: null, legacy: [hash] });
  });

  it('refuses a locked account its legacy password like a wrong one, and keeps the hash', async () => {
    const hash = encrypt('un ancien mot de passe verrouillé', '$5$lockedsalt');
    const citizen = await anImportedCitizen([['lyon', hash]]);
    await world.server.accounts.setLocked(citizen.id, true);

    expect(await loginAnswer(citizen.email, 'un ancien mot de passe verrouillé')).toMatchObject({ status: 401 });
    expect(await securityEvents(citizen.id)).toEqual(['login_failed']);
    expect(await storedHashes(citizen.id)).toEqual({ own: null, legacy: [hash] });
  });

  it('tries the account’s own hash first, and a sign-in with it retires the legacy hashes too', async () => {
    const { memoryKiB, timeCost, parallelism } = world.server.config.argon2; // the server's own: no rehash due
    const own = await argon2.hash('mon mot de passe ici', { type: argon2.argon2id, memoryCost: memoryKiB, timeCost, parallelism });
    const legacyPassword = 'un ancien mot de passe de la mairie';
    const citizen = await anImportedCitizen([['lyon', await bcrypt.hash(legacyPassword, 4)]], own);

    await signsIn(citizen.email, 'mon mot de passe ici');

    expect(await storedHashes(citizen.id)).toEqual({ own, legacy: [null] });
    expect(await loginAnswer(citizen.email, legacyPassword)).toMatchObject({ status: 401 });
  });

  it('lets one of two sign-ins at once with two legacy passwords win, and the other open nothing', async () => {
    const first = 'premier ancien mot de passe';
    const second = 'second ancien mot de passe';
    const citizen = await anImportedCitizen([
      ['lyon', await bcrypt.hash(first, 4)],
      ['oullins', await bcrypt.hash(second, 4)],
    ]);

    const outcomes = await Promise.all([first, second].map((password) => world.server.accounts.authenticate(citizen.email, password)));

    const winners = [first, second].filter((_, index) => outcomes[index] !== undefined);
    expect(winners).toHaveLength(1);
    const loser = winners[0] === first ? second : first;
    expect((await storedHashes(citizen.id)).legacy).toEqual([null, null]);
    expect(await world.server.accounts.authenticate(citizen.email, winners[0]!)).toMatchObject({ id: citizen.id });
    expect(await world.server.accounts.authenticate(citizen.email, loser)).toBeUndefined();
  });
});
