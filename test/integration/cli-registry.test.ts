// glc commune add / glc client add against a Postgres database, run as an operator runs them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFreshDatabase } from '../support/database.js';
import { expectRefusal, isJson, jsonOutput, runGlc } from '../support/glc.js';
import { TEST_SECRET_KEY } from '../support/server.js';

const database = useFreshDatabase();
let env: Record<string, string>;

const glc = (...args: string[]) => runGlc(args, env);

async function count(table: 'communes' | 'clients'): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]!.n;
}

beforeAll(async () => {
  env = { DATABASE_URL: database.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-cli-')), SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
});

describe('glc commune add', () => {
  it('adds a commune and prints it', async () => {
    const commune = jsonOutput(
      await glc(
        'commune',
        'add',
        '--slug',
        'lyon',
        '--name',
        'Ville de Lyon',
        '--insee',
        '69123',
        '--population',
        '522250',
        '--pilot',
        '--offer',
        'restricted',
        '--json',
      ),
    );
    expect(commune).toMatchObject({
      slug: 'lyon',
      name: 'Ville de Lyon',
      insee: '69123',
      population: 522250,
      pilot: true,
      offer: 'restricted',
    });
    const { rows } = await database.pool.query('select name from communes where slug = $1', ['lyon']);
    expect(rows).toEqual([{ name: 'Ville de Lyon' }]);
  });

  it('gives a commune with only a slug and a name the global offer, no pilot, no INSEE code', async () => {
    const commune = jsonOutput(await glc('commune', 'add', '--slug', 'bron', '--name', 'Bron', '--json'));
    expect(commune).toMatchObject({ slug: 'bron', name: 'Bron', insee: null, population: null, pilot: false, offer: 'global' });
  });

  it('prints a sentence rather than JSON without --json', async () => {
    const result = await glc('commune', 'add', '--slug', 'caluire-et-cuire', '--name', 'Caluire-et-Cuire');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('caluire-et-cuire');
    expect(isJson(result.stdout)).toBe(false);
  });

  it('refuses a second commune with the same slug and keeps the first', async () => {
    const result = await glc('commune', 'add', '--slug', 'lyon', '--name', 'Autre Lyon', '--json');
    expectRefusal(result, 1, /lyon/);
    const { rows } = await database.pool.query('select name from communes where slug = $1', ['lyon']);
    expect(rows).toEqual([{ name: 'Ville de Lyon' }]);
  });

  it('refuses a second commune with the same INSEE code', async () => {
    const before = await count('communes');
    expectRefusal(await glc('commune', 'add', '--slug', 'lyon-bis', '--name', 'Lyon bis', '--insee', '69123'), 1, /69123/);
    expect(await count('communes')).toBe(before);
  });

  it('treats a missing --name as a usage error', async () => {
    expectRefusal(await glc('commune', 'add', '--slug', 'givors', '--json'), 2, /--name/);
  });

  it('treats an unknown option as a usage error', async () => {
    expectRefusal(await glc('commune', 'add', '--slug', 'givors', '--name', 'Givors', '--mayor', 'X'), 2, /--mayor/);
  });

  it.each(['Lyon', 'vaulx_en_velin', 'ecully-', 'saint--fons', 'écully'])('refuses the malformed slug %p', async (slug) => {
    const before = await count('communes');
    expectRefusal(await glc('commune', 'add', '--slug', slug, '--name', 'Une commune', '--json'), 1, /slug/);
    expect(await count('communes')).toBe(before);
  });

  it('refuses an offer other than global or restricted', async () => {
    const before = await count('communes');
    expectRefusal(await glc('commune', 'add', '--slug', 'givors', '--name', 'Givors', '--offer', 'premium'), 1, /offer/);
    expect(await count('communes')).toBe(before);
  });
});

describe('glc client add', () => {
  beforeAll(async () => {
    jsonOutput(await glc('commune', 'add', '--slug', 'villeurbanne', '--name', 'Villeurbanne', '--json'));
  });

  it('adds a confidential authorization-code client with pairwise subjects by default', async () => {
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'villeurbanne.fr',
        '--redirect-uri',
        'https://villeurbanne.fr/callback',
        '--json',
      ),
    );
    expect(client).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^.{32,}$/),
      commune: 'villeurbanne',
      redirect_uris: ['https://villeurbanne.fr/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email',
      subject_type: 'pairwise',
    });
    const { rows } = await database.pool.query('select * from clients where client_id = $1', [client.client_id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(client.client_secret as string); // shown once, stored sealed
  });

  it('adds a public client without a secret', async () => {
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'Appli mobile',
        '--public',
        '--redirect-uri',
        'http://localhost:8080/callback',
        '--json',
      ),
    );
    expect(client).not.toHaveProperty('client_secret');
    expect(client).toMatchObject({ commune: 'villeurbanne', token_endpoint_auth_method: 'none' });
  });

  it('gives public subjects on --subject-type public', async () => {
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'Portail',
        '--redirect-uri',
        'https://portail.villeurbanne.fr/cb',
        '--subject-type',
        'public',
        '--json',
      ),
    );
    expect(client.subject_type).toBe('public');
  });

  it('registers every --redirect-uri given', async () => {
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'Médiathèque',
        '--redirect-uri',
        'https://villeurbanne.fr/mediatheque/cb',
        '--redirect-uri',
        'https://villeurbanne.fr/mediatheque/cb2',
        '--json',
      ),
    );
    expect(client.redirect_uris).toEqual(['https://villeurbanne.fr/mediatheque/cb', 'https://villeurbanne.fr/mediatheque/cb2']);
  });

  it('registers redirect URIs on several hosts of one commune with the default pairwise subjects', async () => {
    // The commune is the pairwise sector, so sites on several hosts need no sector_identifier_uri.
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'Deux sites',
        '--redirect-uri',
        'https://villeurbanne.fr/cb',
        '--redirect-uri',
        'https://www.villeurbanne.fr/cb',
        '--json',
      ),
    );
    expect(client).toMatchObject({
      subject_type: 'pairwise',
      redirect_uris: ['https://villeurbanne.fr/cb', 'https://www.villeurbanne.fr/cb'],
    });
  });

  it('adds a machine client with --grant-type client_credentials and no redirect URI', async () => {
    const client = jsonOutput(
      await glc('client', 'add', '--commune', 'villeurbanne', '--name', 'Synchro', '--grant-type', 'client_credentials', '--json'),
    );
    expect(client).toMatchObject({ grant_types: ['client_credentials'], client_secret: expect.any(String) });
  });

  it('adds a public kiosk (device flow) client, with public subjects by default', async () => {
    const client = jsonOutput(
      await glc(
        'client',
        'add',
        '--commune',
        'villeurbanne',
        '--name',
        'Borne',
        '--public',
        '--grant-type',
        'urn:ietf:params:oauth:grant-type:device_code',
        '--json',
      ),
    );
    expect(client).toMatchObject({
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      subject_type: 'public',
      token_endpoint_auth_method: 'none',
    });
    expect(client).not.toHaveProperty('client_secret');
  });

  it('marks a client first-party only on --first-party', async () => {
    const args = [
      'client',
      'add',
      '--commune',
      'villeurbanne',
      '--name',
      'Compte',
      '--redirect-uri',
      'https://villeurbanne.fr/compte',
      '--json',
    ];
    expect(jsonOutput(await glc(...args, '--first-party')).first_party).toBe(true);
    expect(jsonOutput(await glc(...args)).first_party).toBe(false);
  });

  it('prints the client id and the secret once as text without --json', async () => {
    const result = await glc(
      'client',
      'add',
      '--commune',
      'villeurbanne',
      '--name',
      'Texte',
      '--redirect-uri',
      'https://villeurbanne.fr/t',
    );
    expect(result.code).toBe(0);
    expect(isJson(result.stdout)).toBe(false);
    expect(result.stdout).toMatch(/villeurbanne-\S+/);
    expect(result.stdout).toMatch(/secret/i);
  });

  it('refuses a client for an unknown commune, naming it', async () => {
    const before = await count('clients');
    expectRefusal(
      await glc('client', 'add', '--commune', 'atlantis', '--name', 'x', '--redirect-uri', 'https://x.fr/cb', '--json'),
      1,
      /atlantis/,
    );
    expect(await count('clients')).toBe(before);
  });

  it.each([
    ['an http redirect URI off localhost', ['--redirect-uri', 'http://villeurbanne.fr/cb'], /https/],
    ['a redirect URI with a fragment', ['--redirect-uri', 'https://villeurbanne.fr/cb#top'], /fragment/],
    ['a wildcard redirect URI', ['--redirect-uri', 'https://*.villeurbanne.fr/cb'], /wildcard/],
    ['an unknown grant type', ['--redirect-uri', 'https://villeurbanne.fr/cb', '--grant-type', 'implicit'], /implicit/],
    ['an authorization-code client without redirect URI', [], /redirect/],
    ['client_credentials for a public client', ['--public', '--grant-type', 'client_credentials'], /client_credentials/],
    ['an unsupported scope', ['--redirect-uri', 'https://villeurbanne.fr/cb', '--scope', 'openid admin'], /admin/],
    [
      'pairwise subjects for a kiosk',
      ['--public', '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', '--subject-type', 'pairwise'],
      /subject-type/,
    ],
    [
      'an http back-channel logout URI off localhost',
      ['--redirect-uri', 'https://villeurbanne.fr/cb', '--backchannel-logout-uri', 'http://villeurbanne.fr/bc'],
      /https/,
    ],
  ])('refuses %s and writes nothing', async (_what, flags, message) => {
    const before = await count('clients');
    expectRefusal(await glc('client', 'add', '--commune', 'villeurbanne', '--name', 'Refusé', ...flags, '--json'), 1, message);
    expect(await count('clients')).toBe(before);
  });

  it('treats a missing --commune as a usage error', async () => {
    expectRefusal(await glc('client', 'add', '--name', 'x', '--redirect-uri', 'https://x.fr/cb'), 2, /--commune/);
  });
});
