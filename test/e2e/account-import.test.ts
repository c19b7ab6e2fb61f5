// glc account import as an operator runs it: a commune's file with every hash format a commune site holds (made
// here with the libraries, for known passwords), an address twice in the file and one already here, bad lines.
// The report, the merge rule, a dry run that writes nothing, a second run that changes nothing, the citizens
// told once at the configured pace (or not at all with --no-mail), one audit row per import, the legacy_id
// claim for that commune's sites alone, and each citizen signing in with the old password, rehashed then.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { encrypt as shaCrypt } from 'unixcrypt';
import { loadConfig } from '../../src/config.js';
import type { TestClient } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const drupal = createRequire(import.meta.url)('drupal-hash') as { hashPassword(password: string): string };

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'lyon', name: 'Ville de Lyon' },
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'bron', name: 'Bron' },
    ],
    clients: {
      lyonSite: { commune: 'lyon', scope: 'openid legacy_id' },
      oullinsSite: { commune: 'oullins', scope: 'openid legacy_id' },
      bronSite: { commune: 'bron', scope: 'openid legacy_id' },
    },
    accounts: { known: { givenName: 'Jeanne', familyName: 'Dupont' } },
  }),
);

const dir = mkdtempSync(join(tmpdir(), 'glc-import-'));
const at = (year: number) => new Date(Date.UTC(year, 0, 1)).toISOString();
const salt = () =>
  randomBytes(6)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x');
/** Django's PBKDF2PasswordHasher.encode, with Node's PBKDF2. */
function django(password: string): string {
  const s = salt();
  return `pbkdf2_sha256$1000$${s}$${pbkdf2Sync(password, s, 1000, 32, 'sha256').toString('base64')}`;
}

/** One citizen per hash format, with the password their commune site knew. */
const FORMATS = [
  { id: 'bcrypt-2b', email: 'bcrypt-2b@example.org', password: 'mot de passe bcrypt 2b', hash: (p: string) => bcrypt.hashSync(p, 4) },
  {
    id: 'bcrypt-2y',
    email: 'bcrypt-2y@example.org',
    password: 'mot de passe bcrypt 2y',
    hash: (p: string) => bcrypt.hashSync(p, 4).replace(/^\$2b\$/, '$2y$'),
  },
  {
    id: 'bcrypt-2a',
    email: 'bcrypt-2a@example.org',
    password: 'mot de passe bcrypt 2a',
    hash: (p: string) => bcrypt.hashSync(p, 4).replace(/^\$2b\$/, '$2a$'),
  },
  { id: 'django', email: 'django@example.org', password: 'mot de passe django', hash: django },
  { id: 'drupal7', email: 'drupal@example.org', password: 'mot de passe drupal', hash: (p: string) => drupal.hashPassword(p) },
  // phpass' own published test vector (openwall's test.php): no maintained library here writes $P$ hashes.
  { id: 'phpass', email: 'phpass@example.org', password: 'test12345', hash: () => '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' },
  { id: 'sha256-crypt', email: 'sha256@example.org', password: 'mot de passe sha256', hash: (p: string) => shaCrypt(p, `$5$${salt()}`) },
  { id: 'sha512-crypt', email: 'sha512@example.org', password: 'mot de passe sha512', hash: (p: string) => shaCrypt(p, `$6$${salt()}`) },
] as const;
const ARGON2 = { id: 'argon2', email: 'argon2@example.org', password: 'mot de passe argon2' };
const DOUBLE = { email: 'double@example.org', first: 'premier mot de passe', second: 'second mot de passe' };
const UNVERIFIED = 'squatter@example.org';
const FRENCH_SUBJECT = 'Votre compte a rejoint GrandLyonConnect — GrandLyonConnect';
const ENGLISH_SUBJECT = 'Your account has joined GrandLyonConnect — GrandLyonConnect';

let lyonFile = '';
let oullinsFile = '';
let perMinute = 0;

const sql = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await world.server.database.pool.query<R>(text, values)).rows;

const importing = async (args: string[]) => jsonOutput(await runGlc(['account', 'import', ...args, '--json'], glcEnvOf(world.server)));

/** What an import may change, to compare before and after. */
const snapshot = async () => ({
  accounts: await sql(
    'select id, email, email_verified, given_name, family_name, phone_number, address, password_hash, updated_at from accounts order by lower(email)',
  ),
  legacy: await sql('select commune_slug, legacy_id, account_id, legacy_password_hash, imported_at from legacy_accounts order by 1, 2'),
  mails: await sql('select id from mail_outbox order by id'),
  audit: await sql(`select id from audit_log where action = 'account.imported' order by id`),
});

async function legacyIdAt(site: TestClient, credentials: { email: string; password: string }): Promise<unknown> {
  const agent = new UserAgent(world.server.issuer);
  const { config, tokens } = await signInAt(site, agent, credentials, { scope: 'openid legacy_id' });
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
  return userinfo.legacy_id;
}

beforeAll(async () => {
  perMinute = loadConfig().import.mailsPerMinute;
  await world.server.accounts.register({ email: UNVERIFIED, password: 'une phrase de passe quelconque', emailVerified: false });
  const lines: unknown[] = [
    ...FORMATS.map((f) => ({
      email: f.email,
      given_name: 'Nora',
      family_name: f.id,
      created_at: at(2018),
      legacy_id: `lyon-${f.id}`,
      password_hash: f.hash(f.password),
    })),
    {
      email: ARGON2.email,
      family_name: 'argon2',
      created_at: at(2018),
      legacy_id: 'lyon-argon2',
      password_hash: await argon2.hash(ARGON2.password),
    },
    {
      email: DOUBLE.email,
      given_name: 'Anna',
      family_name: 'Ancien',
      phone_number: '+33 4 00 00 00 01',
      address: { street_address: '1 place Bellecour', postal_code: '69002', locality: 'Lyon' },
      created_at: at(2016),
      legacy_id: 'lyon-d1',
      password_hash: bcrypt.hashSync(DOUBLE.first, 4),
    },
    'ceci n’est pas du JSON',
    {
      email: 'Double@Example.org',
      given_name: 'Anna',
      family_name: 'Nouveau',
      created_at: at(2020),
      legacy_id: 'lyon-d2',
      password_hash: django(DOUBLE.second),
    },
    {
      email: world.known.email,
      given_name: 'Autre',
      family_name: 'Dupont',
      phone_number: '+33 6 11 22 33 44',
      created_at: at(2015),
      legacy_id: 'lyon-known',
      password_hash: bcrypt.hashSync('ancien mot de passe de la bibliothèque', 4),
    },
    { email: UNVERIFIED, created_at: at(2017), legacy_id: 'lyon-squat', password_hash: bcrypt.hashSync('x', 4) },
    { email: 'pas-une-adresse', created_at: at(2017), legacy_id: 'lyon-bad-email', password_hash: bcrypt.hashSync('x', 4) },
    { email: 'md5@example.org', created_at: at(2017), legacy_id: 'lyon-md5', password_hash: 'md5$5f4dcc3b5aa765d61d8327deb882cf99' },
    { email: 'noid@example.org', created_at: at(2017), password_hash: bcrypt.hashSync('x', 4) },
    { email: 'again@example.org', created_at: at(2017), legacy_id: 'lyon-bcrypt-2b', password_hash: bcrypt.hashSync('x', 4) },
    {
      email: 'english@example.org',
      email_verified: true,
      locale: 'en',
      created_at: at(2019),
      legacy_id: 'lyon-en',
      password_hash: bcrypt.hashSync('x', 4),
    },
  ];
  lyonFile = join(dir, 'lyon.jsonl');
  writeFileSync(lyonFile, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n\n');
  oullinsFile = join(dir, 'oullins.csv');
  writeFileSync(
    oullinsFile,
    [
      'email,given_name,family_name,phone_number,street_address,postal_code,locality,created_at,legacy_id,password_hash',
      `${world.known.email},,,,,,,${at(2014)},oul-known,${bcrypt.hashSync('x', 4)}`,
      `${DOUBLE.email},Anna,,,"2, rue de la République",69600,Oullins,${at(2010)},oul-d,${bcrypt.hashSync('troisième', 4)}`,
      `trop@example.org,a,b,c,d,e,f,g,h,i,j`,
    ].join('\r\n') + '\r\n',
  );
}, 60_000);

const EXPECTED_REJECTED = [
  { line: 11, reason: 'line_unreadable' },
  { line: 14, reason: 'account_unverified_here', field: 'email' },
  { line: 15, reason: 'email_invalid', field: 'email' },
  { line: 16, reason: 'hash_format_unknown', field: 'password_hash' },
  { line: 17, reason: 'field_missing', field: 'legacy_id' },
  { line: 18, reason: 'legacy_id_repeated', field: 'legacy_id' },
];
const EXPECTED_REPORT = {
  commune: 'lyon',
  lines: 19,
  imported: 11,
  merged: 2,
  unchanged: 0,
  rejected: EXPECTED_REJECTED,
  conflicts: [
    { line: 12, field: 'family_name', kept: 'line' },
    { line: 13, field: 'given_name', kept: 'account' },
  ],
  mails: 12,
};

describe('glc account import', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;

  it('rehearses with --dry-run: the same report, and nothing written, audited or mailed', async () => {
    before = await snapshot();
    const report = await importing(['--commune', 'lyon', '--file', lyonFile, '--dry-run']);
    expect(report).toEqual({ ...EXPECTED_REPORT, dry_run: true });
    expect(await snapshot()).toEqual(before);
  });

  it('imports every hash format, merges an address given twice and one known here, and refuses the bad lines alone', async () => {
    const report = await importing(['--commune', 'lyon', '--file', lyonFile]);
    expect(report).toEqual({ ...EXPECTED_REPORT, dry_run: false });
    const legacy = await sql<{ legacy_id: string; email: string; legacy_password_hash: string | null }>(
      `select l.legacy_id, a.email, l.legacy_password_hash from legacy_accounts l join accounts a on a.id = l.account_id where l.commune_slug = 'lyon'`,
    );
    expect(legacy.map((l) => l.legacy_id).sort()).toEqual(
      [...FORMATS.map((f) => `lyon-${f.id}`), 'lyon-argon2', 'lyon-d1', 'lyon-d2', 'lyon-known', 'lyon-en'].sort(),
    );
    // The address twice in the file is one account; the account known here keeps no old hash of the library.
    expect(
      legacy
        .filter((l) => l.email.toLowerCase() === DOUBLE.email)
        .map((l) => l.legacy_id)
        .sort(),
    ).toEqual(['lyon-d1', 'lyon-d2']);
    expect(legacy.find((l) => l.legacy_id === 'lyon-known')?.legacy_password_hash).toBeNull();
    expect(
      await sql(
        `select 1 from accounts where lower(email) in ('pas-une-adresse', 'md5@example.org', 'noid@example.org', 'again@example.org')`,
      ),
    ).toEqual([]);
  });

  it('merges by the documented rule: the newest non-empty value wins, an empty one never replaces, the account’s newer value stays', async () => {
    const [double] = await sql(
      `select given_name, family_name, phone_number, address, email_verified from accounts where lower(email) = $1`,
      [DOUBLE.email],
    );
    expect(double).toEqual({
      given_name: 'Anna',
      family_name: 'Nouveau',
      phone_number: '+33 4 00 00 00 01',
      address: { street_address: '1 place Bellecour', postal_code: '69002', locality: 'Lyon' },
      email_verified: false,
    });
    const [known] = await sql(`select given_name, family_name, phone_number, email_verified from accounts where id = $1`, [world.known.id]);
    expect(known).toEqual({ given_name: 'Jeanne', family_name: 'Dupont', phone_number: '+33 6 11 22 33 44', email_verified: true });
    const [english] = await sql(`select email_verified, locale from accounts where email = 'english@example.org'`);
    expect(english).toEqual({ email_verified: true, locale: 'en' });
    const [squatter] = await sql<{ n: number }>(
      `select count(*)::int as n from legacy_accounts l join accounts a on a.id = l.account_id where a.email = $1`,
      [UNVERIFIED],
    );
    expect(squatter?.n).toBe(0);
  });

  it('tells each citizen reached once, in their language, with a link to /account, paced at the configured rate', async () => {
    const mails = await sql<{ to_address: string; subject: string; text_body: string; send_after: Date }>(
      `select to_address, subject, text_body, send_after from mail_outbox where subject = any($1::text[]) order by send_after, id`,
      [[FRENCH_SUBJECT, ENGLISH_SUBJECT]],
    );
    expect(mails).toHaveLength(EXPECTED_REPORT.mails);
    expect(new Set(mails.map((m) => m.to_address.toLowerCase())).size).toBe(EXPECTED_REPORT.mails);
    const spacing = mails.slice(1).map((m, i) => m.send_after.getTime() - mails[i]!.send_after.getTime());
    expect(new Set(spacing)).toEqual(new Set([60_000 / perMinute]));
    const english = mails.find((m) => m.to_address === 'english@example.org');
    expect(english?.subject).toBe(ENGLISH_SUBJECT);
    expect(english?.text_body).toContain('Your account at Ville de Lyon is now your GrandLyonConnect account');
    const french = mails.find((m) => m.to_address === world.known.email);
    expect(french?.subject).toBe(FRENCH_SUBJECT);
    for (const mail of mails) expect(mail.text_body).toContain(`${world.server.issuer}/account`);
  });

  it('writes one audit row with the counts', async () => {
    const rows = await sql<{ actor: string; commune_slug: string; after: Record<string, unknown> }>(
      `select actor, commune_slug, after from audit_log where action = 'account.imported' order by id`,
    );
    expect(rows).toEqual([
      {
        actor: 'cli',
        commune_slug: 'lyon',
        after: { ...EXPECTED_REPORT, rejected: EXPECTED_REJECTED.length, conflicts: 2, dry_run: false },
      },
    ]);
  });

  it('changes nothing when the same file is imported again (but audits the run)', async () => {
    before = await snapshot();
    const report = await importing(['--commune', 'lyon', '--file', lyonFile]);
    // The line repeating a legacy id now finds it imported before this run: unchanged, like the lines taken.
    expect(report).toMatchObject({ imported: 0, merged: 0, unchanged: 14, mails: 0, conflicts: [] });
    expect(report.rejected).toEqual(EXPECTED_REJECTED.filter((r) => r.reason !== 'legacy_id_repeated'));
    const after = await snapshot();
    expect({ ...after, audit: after.audit.length }).toEqual({ ...before, audit: before.audit.length + 1 });
  });

  it('reads CSV with a header line and tells no one with --no-mail', async () => {
    const mailsBefore = (await snapshot()).mails;
    const report = await importing(['--commune', 'oullins', '--file', oullinsFile, '--no-mail']);
    expect(report).toEqual({
      commune: 'oullins',
      lines: 3,
      imported: 0,
      merged: 2,
      unchanged: 0,
      rejected: [{ line: 4, reason: 'line_unreadable' }],
      conflicts: [{ line: 3, field: 'address', kept: 'account' }],
      mails: 0,
      dry_run: false,
    });
    expect((await snapshot()).mails).toEqual(mailsBefore);
    // An older line fills what the account lacked and replaces nothing it held.
    const [double] = await sql(`select given_name, family_name, address from accounts where lower(email) = $1`, [DOUBLE.email]);
    expect(double).toEqual({
      given_name: 'Anna',
      family_name: 'Nouveau',
      address: { street_address: '1 place Bellecour', postal_code: '69002', locality: 'Lyon' },
    });
  });
});

describe('the legacy_id claim', () => {
  it('gives each commune’s site that commune’s former user id, and a site of another commune none', async () => {
    expect(await legacyIdAt(world.lyonSite, world.known)).toBe('lyon-known');
    expect(await legacyIdAt(world.oullinsSite, world.known)).toBe('oul-known');
    expect(await legacyIdAt(world.bronSite, world.known)).toBeUndefined();
  });
});

describe('signing in with a commune site’s password', () => {
  it.each([...FORMATS, ARGON2])(
    'opens the $id account with its old password, then holds it as argon2id only',
    async ({ email, password }) => {
      expect(await legacyIdAt(world.lyonSite, { email, password })).toMatch(/^lyon-/);
      const [row] = await sql<{ password_hash: string; legacy: number }>(
        `select a.password_hash, (select count(*)::int from legacy_accounts l where l.account_id = a.id and l.legacy_password_hash is not null) as legacy
       from accounts a where email = $1`,
        [email],
      );
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect(row?.legacy).toBe(0);
    },
  );

  it('accepts any of an account’s old passwords until the first sign-in, then only the new hash', async () => {
    expect(await world.server.accounts.authenticate(DOUBLE.email, DOUBLE.second)).toMatchObject({ email: DOUBLE.email });
    expect(await world.server.accounts.authenticate(DOUBLE.email, DOUBLE.first)).toBeUndefined();
    expect(await world.server.accounts.authenticate(DOUBLE.email, DOUBLE.second)).toMatchObject({ email: DOUBLE.email });
  });
});
