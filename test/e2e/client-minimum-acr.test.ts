// A site registered with a minimum level (glc client add --acr, the operators' API, dynamic registration's
// default_acr_values) gets it at every sign-in, whatever its authorization request says: the request is in
// the citizen's hands, and an attacker with a password only would edit it down to one factor.
import request from 'supertest';
import { ACR_1FA, ACR_2FA } from '../../src/accounts/factors/index.js';
import { anAccount } from '../support/builders.js';
import { glcEnvOf, jsonOutput, expectRefusal, runGlc } from '../support/glc.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { expectPage } from '../support/second-factor.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';
import type { TestClient } from '../support/builders.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon'],
    clients: { strict: { minimumAcr: ACR_2FA, isFirstParty: true } },
    operators: { admin: { role: 'metropole-admin' } },
  }),
);

/** What the citizen meets after typing the password at `site`, with `extra` in the authorization request. */
async function afterPassword(site: TestClient, extra: Record<string, string> = {}) {
  const account = await anAccount(world.server.accounts);
  const agent = new UserAgent(world.server.issuer);
  const attempt = await startAuthorization(await discover(world.server.issuer, site), site, extra);
  const login = await expectPage(await agent.navigate(attempt.url));
  return agent.submit(login, { email: account.email, password: account.password });
}

describe('a client registered with a minimum level', () => {
  it('asks two factors although the request asks none', async () => {
    expect((await expectPage(await afterPassword(world.strict))).html).toContain('deux étapes');
  });

  it('asks two factors although the request was edited to one factor (acr_values and claims)', async () => {
    const downgraded = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_1FA] } } });
    expect((await expectPage(await afterPassword(world.strict, { acr_values: ACR_1FA }))).html).toContain('deux étapes');
    expect((await expectPage(await afterPassword(world.strict, { claims: downgraded }))).html).toContain('deux étapes');
  });

  it('is set by glc client add --acr and shown in its answer; an unknown level is refused', async () => {
    const env = glcEnvOf(world.server);
    const added = await runGlc(
      [
        'client',
        'add',
        '--commune',
        'lyon',
        '--name',
        'Portail famille',
        '--redirect-uri',
        'https://famille.lyon.example.org/cb',
        '--acr',
        ACR_2FA,
        '--json',
      ],
      env,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(jsonOutput(added).default_acr_values).toEqual([ACR_2FA]);
    const stored = await world.server.registry.getClient(String(jsonOutput(added).client_id));
    expect(stored.metadata.default_acr_values).toEqual([ACR_2FA]);
    expectRefusal(
      await runGlc(
        ['client', 'add', '--commune', 'lyon', '--name', 'x', '--redirect-uri', 'https://x.example.org/cb', '--acr', 'gold'],
        env,
      ),
      1,
      /acr/,
    );
  });

  it('is set and removed through the operators’ API', async () => {
    const created = await world.api.call(world.admin.bearer, 'POST', '/communes/lyon/clients', {
      client_name: 'Cantine',
      redirect_uris: ['https://cantine.lyon.example.org/cb'],
      default_acr_values: [ACR_2FA],
    });
    expect(created.status).toBe(201);
    expect(created.body.default_acr_values).toEqual([ACR_2FA]);
    const cleared = await world.api.call(world.admin.bearer, 'PATCH', `/communes/lyon/clients/${String(created.body.client_id)}`, {
      default_acr_values: null,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.default_acr_values).toBeUndefined();
    const refused = await world.api.call(world.admin.bearer, 'POST', '/communes/lyon/clients', {
      client_name: 'x',
      redirect_uris: ['https://x.lyon.example.org/cb'],
      default_acr_values: ['urn:other'],
    });
    expect(refused.status).toBe(400);
  });

  it('is kept from dynamic registration’s default_acr_values, and an unknown one is invalid_client_metadata', async () => {
    const token = (await world.server.oidc.registrationTokens.issue(world.server.pool, 'lyon', 600, 'test')).token;
    const registered = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${token}`)
      .send({ redirect_uris: ['https://dyn.lyon.example.org/cb'], default_acr_values: [ACR_2FA] });
    expect(registered.status).toBe(201);
    expect(registered.body.default_acr_values).toEqual([ACR_2FA]);
    const site: TestClient = {
      clientId: String(registered.body.client_id),
      clientSecret: String(registered.body.client_secret),
      commune: 'lyon',
      redirectUri: 'https://dyn.lyon.example.org/cb',
      redirectUris: ['https://dyn.lyon.example.org/cb'],
    };
    // A registered client is not first-party: consent comes only after the two factors.
    expect((await expectPage(await afterPassword(site))).html).toContain('deux étapes');
    const stored = await world.server.registry.getClient(registered.body.client_id);
    expect(stored.metadata.default_acr_values).toEqual([ACR_2FA]);

    const again = (await world.server.oidc.registrationTokens.issue(world.server.pool, 'lyon', 600, 'test')).token;
    const unknown = await request(world.server.server)
      .post('/reg')
      .set('Authorization', `Bearer ${again}`)
      .send({ redirect_uris: ['https://dyn2.lyon.example.org/cb'], default_acr_values: ['urn:other'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_client_metadata');
  });
});
