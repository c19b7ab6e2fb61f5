// Rotating a client's secret with an overlap (issue 10): during the overlap the token endpoint takes the new
// secret and the previous one; once the database's clock passes its end (or with no overlap) the previous
// one is invalid_client and the new one still works. Through the operators' API and glc, audited without
// either secret; a referent of another commune and a public client are refused.
import { aClient, type TestClient } from '../support/builders.js';
import { glcEnvOf, jsonOutput, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, oidc } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins', 'lyon'],
    operators: { oullins: { role: 'commune-referent', communes: ['oullins'] }, lyon: { role: 'commune-referent', communes: ['lyon'] } },
  }),
);

const aService = (commune = 'oullins') =>
  aClient(world.server.registry, commune, { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' });

/**
 * The OAuth error of a refusal: in the body, or (a refused client_secret_basic is a 401 with a challenge) in
 * the WWW-Authenticate header, which openid-client reads as the error's cause.
 */
function oauthError(error: unknown): string {
  const refusal = error as { error?: string; status?: number; cause?: { parameters?: { error?: string } }[] };
  const code = refusal.error ?? refusal.cause?.[0]?.parameters?.error;
  return code === 'invalid_client' && refusal.status !== 401 ? `invalid_client with status ${refusal.status}` : (code ?? String(error));
}

/** A client-credentials token with this secret, or the OAuth error the token endpoint answered. */
async function tokenWith(client: TestClient, secret: string): Promise<string> {
  const config = await discover(world.server.issuer, { ...client, clientSecret: secret });
  try {
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'openid' });
    return tokens.access_token ? 'token' : 'no token';
  } catch (error) {
    return oauthError(error);
  }
}

const rotate = (bearer: string, client: TestClient, body?: object) =>
  world.api.call(bearer, 'POST', `/communes/${client.commune}/clients/${client.clientId}/secret`, body);

/** Ends the running overlap of a client in the database, as if its end had passed. */
const endOverlap = (client: TestClient) =>
  world.server.pool.query(`update clients set previous_secret_expires_at = now() - interval '1 second' where client_id = $1`, [
    client.clientId,
  ]);

describe("rotating a client's secret with an overlap", () => {
  it('takes the previous and the new secret at /token during the overlap, then only the new one', async () => {
    const site = await aService();
    const old = site.clientSecret!;
    const before = Date.now();
    const rotated = await rotate(world.oullins.bearer, site, { overlap_seconds: 3600 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.client_secret as string;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(fresh).not.toBe(old);
    const endsAt = Date.parse(rotated.body.previous_secret_expires_at as string);
    expect(endsAt).toBeGreaterThanOrEqual(before + 3600_000 - 5_000);
    expect(endsAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);

    expect(await tokenWith(site, old)).toBe('token');
    expect(await tokenWith(site, fresh)).toBe('token');
    expect(await tokenWith(site, `${old}x`)).toBe('invalid_client');

    const shown = await world.api.call(world.oullins.bearer, 'GET', `/communes/oullins/clients/${site.clientId}`);
    expect(shown.body.previous_secret_expires_at).toBe(rotated.body.previous_secret_expires_at);
    expect(JSON.stringify(shown.body)).not.toContain(old);
    expect(JSON.stringify(shown.body)).not.toContain(fresh);

    await endOverlap(site);
    expect(await tokenWith(site, old)).toBe('invalid_client');
    expect(await tokenWith(site, fresh)).toBe('token');
    const after = await world.api.call(world.oullins.bearer, 'GET', `/communes/oullins/clients/${site.clientId}`);
    expect(after.body).not.toHaveProperty('previous_secret_expires_at');
  });

  it('keeps the previous secret for the configured 7 days when no overlap is given', async () => {
    const site = await aService();
    const rotated = await rotate(world.oullins.bearer, site);
    expect(rotated.status).toBe(200);
    const days = (Date.parse(rotated.body.previous_secret_expires_at as string) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    expect(await tokenWith(site, site.clientSecret!)).toBe('token');
  });

  it('ends the previous secret at once with an overlap of 0, and a second rotation drops the first secret', async () => {
    const site = await aService();
    const leaked = await rotate(world.oullins.bearer, site, { overlap_seconds: 0 });
    expect([leaked.status, leaked.body.previous_secret_expires_at]).toEqual([200, null]);
    expect(await tokenWith(site, site.clientSecret!)).toBe('invalid_client');
    const second = leaked.body.client_secret as string;
    expect(await tokenWith(site, second)).toBe('token');

    const third = await rotate(world.oullins.bearer, site, { overlap_seconds: 600 });
    expect(await tokenWith(site, second)).toBe('token');
    expect(await tokenWith(site, third.body.client_secret as string)).toBe('token');
    expect(await tokenWith(site, site.clientSecret!)).toBe('invalid_client');
  });

  it('accepts the previous secret at introspection during the overlap and refuses it after', async () => {
    const site = await aService();
    const old = site.clientSecret!;
    const rotated = await rotate(world.oullins.bearer, site, { overlap_seconds: 3600 });
    const fresh = rotated.body.client_secret as string;
    const token = (
      await oidc.clientCredentialsGrant(await discover(world.server.issuer, { ...site, clientSecret: fresh }), { scope: 'openid' })
    ).access_token;
    const introspect = async (secret: string) => {
      try {
        return (await oidc.tokenIntrospection(await discover(world.server.issuer, { ...site, clientSecret: secret }), token)).active;
      } catch (error) {
        return oauthError(error);
      }
    };
    expect(await introspect(old)).toBe(true);
    await endOverlap(site);
    expect(await introspect(old)).toBe('invalid_client');
    expect(await introspect(fresh)).toBe(true);
  });

  it("refuses a referent of Lyon rotating an Oullins client's secret, and the secret keeps working alone", async () => {
    const site = await aService();
    const attempt = await world.api.call(world.lyon.bearer, 'POST', `/communes/oullins/clients/${site.clientId}/secret`, {
      overlap_seconds: 0,
    });
    expect([attempt.status, attempt.body.error]).toEqual([403, 'forbidden']);
    expect(attempt.body).not.toHaveProperty('client_secret');
    const misplaced = await world.api.call(world.lyon.bearer, 'POST', `/communes/lyon/clients/${site.clientId}/secret`, {
      overlap_seconds: 0,
    });
    expect([misplaced.status, misplaced.body.error]).toEqual([404, 'client_not_found']);
    expect(await tokenWith(site, site.clientSecret!)).toBe('token');
    expect((await world.server.registry.getClient(site.clientId)).previousSecretExpiresAt).toBeUndefined();
  });

  it('refuses a public client and an overlap out of range with a clear 400, changing nothing', async () => {
    const app = await aClient(world.server.registry, 'oullins', { isPublic: true });
    const publicRefused = await rotate(world.oullins.bearer, app, {});
    expect([publicRefused.status, publicRefused.body.error]).toEqual([400, 'client_public']);
    expect(publicRefused.body.error_description).toContain('public');

    const site = await aService();
    for (const overlap of [-1, 90 * 86_400 + 1, 1.5, '60']) {
      const refused = await rotate(world.oullins.bearer, site, { overlap_seconds: overlap });
      expect([overlap, refused.status]).toEqual([overlap, 400]);
    }
    expect(await tokenWith(site, site.clientSecret!)).toBe('token');
  });

  it('audits the rotation with its overlap and never either secret', async () => {
    const site = await aService();
    const rotated = await rotate(world.oullins.bearer, site, { overlap_seconds: 120 });
    const { rows } = await world.server.pool.query<Record<string, unknown>>(
      `select * from audit_log where action = 'client.secret_rotated' and target = $1`,
      [`client:${site.clientId}`],
    );
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(rows[0]);
    expect(text).toContain('oullins');
    expect(text).toContain('"overlap_seconds":120');
    expect(text).not.toContain(site.clientSecret!);
    expect(text).not.toContain(rotated.body.client_secret as string);
  });
});

describe('glc client rotate-secret', () => {
  it('prints the new secret and the end of the overlap as one JSON object; both secrets then work', async () => {
    const site = await aService();
    const result = await runGlc(
      ['client', 'rotate-secret', '--client', site.clientId, '--overlap', '600', '--json'],
      glcEnvOf(world.server),
    );
    const json = jsonOutput(result);
    expect(json).toEqual({
      client_id: site.clientId,
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      previous_secret_expires_at: expect.any(String),
    });
    const endsIn = Date.parse(json.previous_secret_expires_at as string) - Date.now();
    expect(endsIn).toBeGreaterThan(500_000);
    expect(endsIn).toBeLessThanOrEqual(600_000);
    expect(await tokenWith(site, site.clientSecret!)).toBe('token');
    expect(await tokenWith(site, json.client_secret as string)).toBe('token');
  });

  it('ends the previous secret at once with --overlap 0', async () => {
    const site = await aService();
    const json = jsonOutput(
      await runGlc(['client', 'rotate-secret', '--client', site.clientId, '--overlap', '0', '--json'], glcEnvOf(world.server)),
    );
    expect(json.previous_secret_expires_at).toBeNull();
    expect(await tokenWith(site, site.clientSecret!)).toBe('invalid_client');
    expect(await tokenWith(site, json.client_secret as string)).toBe('token');
  });

  it('refuses a public client, an unknown client and a bad overlap with one line and status 1', async () => {
    const app = await aClient(world.server.registry, 'oullins', { isPublic: true });
    const site = await aService();
    const cases: [string[], RegExp][] = [
      [['--client', app.clientId], /public/],
      [['--client', 'no-such-client'], /unknown client/],
      [['--client', site.clientId, '--overlap', '1e3'], /overlap/],
      [['--client', site.clientId, '--overlap', '9999999999'], /overlap/],
    ];
    for (const [args, message] of cases) {
      const result = await runGlc(['client', 'rotate-secret', ...args, '--json'], glcEnvOf(world.server));
      expect([args, result.code, result.stdout]).toEqual([args, 1, '']);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(await tokenWith(site, site.clientSecret!)).toBe('token');
  });
});
