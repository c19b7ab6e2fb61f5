// A commune's identity (issue 10): its referent sets the display name, colour, links, help contact and logo
// through the operators' API or glc; the logo is served with the type read from its bytes, nosniff and a
// sandboxing CSP. Refused: an SVG, an HTML file named .png, a GIF, a file over the limit, a colour white text
// cannot be read on, a non-https link; another commune's referent and a counter agent (403). Every change is
// audited, never with the logo's bytes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOGO_MAX_BYTES } from '../../src/registry/index.js';
import { expectRefusal, glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { aGif, aJpeg, anHtmlPage, anSvg, aPng, aPngOfAbout, aWebp } from '../support/images.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [
      { slug: 'oullins', name: 'Oullins' },
      { slug: 'lyon', name: 'Ville de Lyon' },
    ],
    operators: {
      referent: { commune: 'oullins', role: 'commune-referent', communes: ['oullins'] },
      lyonReferent: { commune: 'lyon', role: 'commune-referent', communes: ['lyon'] },
      agent: { commune: 'oullins', role: 'counter-agent', communes: ['oullins'] },
      admin: { role: 'metropole-admin' },
    },
  }),
);

// The logo as the running server serves it, behind every middleware a citizen's browser meets.
const logoOrigin = () => world.server.issuer;

type Caller = 'referent' | 'lyonReferent' | 'agent' | 'admin';
const patch = (caller: Caller, slug: string, body: object) =>
  world.api.call(world[caller].bearer, 'PATCH', `/communes/${slug}/identity`, body);
const upload = (caller: Caller, slug: string, bytes: Buffer) =>
  world.api.call(world[caller].bearer, 'POST', `/communes/${slug}/logo`, { image_base64: bytes.toString('base64') });

const auditRows = async (action: string) =>
  (
    await world.server.pool.query<{ actor: string; before: unknown; after: unknown; commune_slug: string }>(
      `select actor, before, after, commune_slug from audit_log where action = $1 order by id`,
      [action],
    )
  ).rows;

describe("a commune's identity through the operators' API", () => {
  it('lets the referent of Oullins set the text fields, keeps those not given, clears one given null, and audits the change', async () => {
    const set = await patch('referent', 'oullins', {
      display_name: "Ville d'Oullins",
      color: '#0b4f9c',
      website_url: 'https://www.ville-oullins.fr/',
      privacy_url: 'https://www.ville-oullins.fr/donnees-personnelles',
      help_contact: 'Mairie, accueil : 04 72 39 73 73',
    });
    expect([set.status, set.body]).toEqual([
      200,
      expect.objectContaining({
        slug: 'oullins',
        display_name: "Ville d'Oullins",
        color: '#0B4F9C',
        website_url: 'https://www.ville-oullins.fr/',
        privacy_url: 'https://www.ville-oullins.fr/donnees-personnelles',
        help_contact: 'Mairie, accueil : 04 72 39 73 73',
        logo_url: null,
      }),
    ]);

    const cleared = await patch('referent', 'oullins', { help_contact: null });
    expect(cleared.body).toEqual(expect.objectContaining({ display_name: "Ville d'Oullins", color: '#0B4F9C', help_contact: null }));
    const read = await world.api.call(world.referent.bearer, 'GET', '/communes/oullins');
    expect(read.body).toEqual(cleared.body);

    const [, last] = await auditRows('commune.identity_changed');
    expect(last).toEqual(
      expect.objectContaining({
        commune_slug: 'oullins',
        before: expect.objectContaining({ help_contact: 'Mairie, accueil : 04 72 39 73 73' }),
        after: expect.objectContaining({ help_contact: null }),
      }),
    );
  });

  it.each([
    ['a colour white text cannot be read on', { color: '#FFD700' }, 'commune_color_contrast', 'color'],
    ['a colour not written #RRGGBB', { color: 'blue' }, 'commune_color_invalid', 'color'],
    ['a website over plain http', { website_url: 'http://www.ville-oullins.fr/' }, 'commune_url_invalid', 'website_url'],
    ['a javascript: privacy link', { privacy_url: 'javascript:alert(1)' }, 'commune_url_invalid', 'privacy_url'],
    ['a help contact on two lines', { help_contact: 'Mairie\nOullins' }, 'commune_help_contact_invalid', 'help_contact'],
  ])('refuses %s with a 400 that names the field, and changes nothing', async (_what, body, error, field) => {
    const before = (await world.api.call(world.admin.bearer, 'GET', '/communes/oullins')).body;
    const answer = await patch('referent', 'oullins', body);
    expect([answer.status, answer.body]).toEqual([400, expect.objectContaining({ error, field })]);
    expect((await world.api.call(world.admin.bearer, 'GET', '/communes/oullins')).body).toEqual(before);
  });

  it.each([
    ['the referent of Lyon', 'lyonReferent'],
    ['a counter agent of Oullins (it manages nothing)', 'agent'],
  ] as const)("refuses %s Oullins' identity and logo with 403", async (_who, caller) => {
    const before = (await world.api.call(world.admin.bearer, 'GET', '/communes/oullins')).body;
    expect((await patch(caller, 'oullins', { color: '#000000', website_url: 'https://evil.example/' })).status).toBe(403);
    expect((await upload(caller, 'oullins', aPng())).status).toBe(403);
    expect((await world.api.call(world[caller].bearer, 'DELETE', '/communes/oullins/logo')).status).toBe(403);
    expect((await world.api.call(world.admin.bearer, 'GET', '/communes/oullins')).body).toEqual(before);
  });
});

describe("a commune's logo", () => {
  it.each([
    ['PNG', aPng(3, 2), 'image/png'],
    ['JPEG', aJpeg(), 'image/jpeg'],
    ['WebP', aWebp(), 'image/webp'],
  ])(
    'takes a %s, serves it with its type, nosniff, a sandboxing CSP and an ETag, and audits it without its bytes',
    async (_kind, bytes, type) => {
      const answer = await upload('referent', 'oullins', bytes);
      expect(answer.status).toBe(200);
      const logoUrl = (answer.body as { logo_url: string }).logo_url;
      expect(logoUrl).toMatch(/^\/communes\/oullins\/logo\?v=[0-9a-f]{16}$/);

      const served = await fetch(`${logoOrigin()}${logoUrl}`);
      expect([served.status, served.headers.get('content-type'), served.headers.get('x-content-type-options')]).toEqual([
        200,
        type,
        'nosniff',
      ]);
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(served.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
      const etag = served.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect((await fetch(`${logoOrigin()}/communes/oullins/logo`, { headers: { 'if-none-match': etag } })).status).toBe(304);

      const row = (await auditRows('commune.logo_changed')).at(-1)!;
      expect(row.after).toEqual({
        content_type: type,
        sha256: etag.slice(1, -1),
        bytes: bytes.length,
        width: expect.any(Number),
        height: expect.any(Number),
      });
      expect(JSON.stringify(row)).not.toContain(bytes.toString('base64'));
    },
  );

  it.each([
    ['an SVG', anSvg(), 'commune_logo_type'],
    ['an HTML page (whatever the file is called)', anHtmlPage(), 'commune_logo_type'],
    ['a GIF', aGif(), 'commune_logo_type'],
    ['a PNG cut short', aPng(2, 2).subarray(0, 40), 'commune_logo_type'],
    ['a PNG over the limit', aPngOfAbout(LOGO_MAX_BYTES + 1000), 'commune_logo_too_large'],
  ])('refuses %s with a clear 400 and keeps the logo it had', async (_what, bytes, error) => {
    await upload('referent', 'oullins', aWebp());
    const answer = await upload('referent', 'oullins', bytes);
    expect([answer.status, answer.body]).toEqual([400, expect.objectContaining({ error, field: 'logo' })]);
    const served = await fetch(`${logoOrigin()}/communes/oullins/logo`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/webp']);
  });

  it('refuses an image_base64 that is not base64 with a 400', async () => {
    const answer = await world.api.call(world.referent.bearer, 'POST', '/communes/oullins/logo', { image_base64: '<svg>' });
    expect([answer.status, answer.body]).toEqual([400, expect.objectContaining({ field: 'image_base64' })]);
  });

  it('answers 404 for a commune without a logo and for one that does not exist, and the logo is gone once removed', async () => {
    expect((await fetch(`${logoOrigin()}/communes/lyon/logo`)).status).toBe(404);
    expect((await fetch(`${logoOrigin()}/communes/nowhere/logo`)).status).toBe(404);
    await upload('admin', 'lyon', aPng());
    expect((await fetch(`${logoOrigin()}/communes/lyon/logo`)).status).toBe(200);
    const removed = await world.api.call(world.admin.bearer, 'DELETE', '/communes/lyon/logo');
    expect([removed.status, (removed.body as { logo_url: unknown }).logo_url]).toEqual([200, null]);
    expect((await fetch(`${logoOrigin()}/communes/lyon/logo`)).status).toBe(404);
  });
});

describe('glc commune set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glc-logo-'));
  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const glc = (...args: string[]) => runGlc(['--json', 'commune', 'set', ...args], glcEnvOf(world.server));

  it('sets the fields given and the logo, answers the commune as JSON, keeps the others and clears one given empty', async () => {
    const set = jsonOutput(
      await glc(
        '--slug',
        'lyon',
        '--display-name',
        'Ville de Lyon',
        '--color',
        '#C8102E',
        '--website',
        'https://www.lyon.fr/',
        '--logo',
        file('lyon.png', aPng(4, 4)),
      ),
    );
    expect(set).toEqual(
      expect.objectContaining({
        slug: 'lyon',
        display_name: 'Ville de Lyon',
        color: '#C8102E',
        website_url: 'https://www.lyon.fr/',
        logo_url: expect.stringMatching(/^\/communes\/lyon\/logo\?v=/),
      }),
    );
    const served = await fetch(`${logoOrigin()}/communes/lyon/logo`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);

    const cleared = jsonOutput(await glc('--slug', 'lyon', '--website', '', '--logo', ''));
    expect(cleared).toEqual(
      expect.objectContaining({ display_name: 'Ville de Lyon', color: '#C8102E', website_url: null, logo_url: null }),
    );
    const row = (await auditRows('commune.identity_changed')).at(-1)!;
    expect([row.actor, row.commune_slug]).toEqual(['cli', 'lyon']);
  });

  it.each([
    ['an HTML file named logo.png', () => ['--logo', file('logo.png', anHtmlPage())], /PNG, JPEG or WebP/],
    ['an SVG', () => ['--logo', file('logo.svg', anSvg())], /PNG, JPEG or WebP/],
    ['a colour white text cannot be read on', () => ['--color', '#FFD700'], /contrast/],
    ['a website over plain http', () => ['--website', 'http://www.lyon.fr/'], /https/],
  ])('refuses %s: exit 1, one line on stderr, nothing changed', async (_what, options, message) => {
    const before = (await world.api.call(world.admin.bearer, 'GET', '/communes/lyon')).body;
    expectRefusal(await glc('--slug', 'lyon', ...options()), 1, message);
    expect((await world.api.call(world.admin.bearer, 'GET', '/communes/lyon')).body).toEqual(before);
  });

  it('refuses an unknown commune (exit 1) and a missing --slug (exit 2)', async () => {
    expectRefusal(await glc('--slug', 'nowhere', '--color', '#000000'), 1, /nowhere/);
    expectRefusal(await glc('--color', '#000000'), 2, /--slug/);
  });
});
