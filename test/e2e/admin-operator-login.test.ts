import request from 'supertest';
import { ACR_2FA } from '../../src/accounts/factors/index.js';
import { adminAudienceOf, operatorsOf, operatorTokensAt, secondFactorOf } from '../support/admin.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon', 'bron'],
    clients: { operatorConsole: { isFirstParty: true, isOperatorTool: true } },
    accounts: { referent: {}, citizen: {} },
  }),
);

const communesWith = (tokens: { access_token: string }) =>
  request(world.server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${tokens.access_token}`);

describe('an operator signs in to an administration console', () => {
  it('gets an admin token for the API from a login with the admin resource and scope', async () => {
    await operatorsOf(world.server).grant({ email: world.referent.email }, 'commune-referent', ['bron'], { actor: 'test' });
    const tokens = await operatorTokensAt(world.server, world.operatorConsole, world.referent);
    expect(tokens.scope).toContain('admin');

    const communes = await communesWith(tokens);
    expect(communes.status).toBe(200);
    expect(communes.body.items.map((c: { slug: string }) => c.slug)).toEqual(['bron']);
  });

  it('refuses the same login for a citizen who is not an operator', async () => {
    const refused = await communesWith(await operatorTokensAt(world.server, world.operatorConsole, world.citizen));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
  });
});

describe('an operator’s sign-in is two factors', () => {
  it('asks the second factor of an operator signed in with a password only, before any admin token', async () => {
    await operatorsOf(world.server).grant({ email: world.referent.email }, 'commune-referent', ['bron'], { actor: 'test' });
    const secondFactor = await secondFactorOf(world.server, world.referent.email);
    const agent = new UserAgent(world.server.issuer);
    // A one-factor session, as from a commune site that asked no more.
    const config = await discover(world.server.issuer, world.operatorConsole);
    const plain = await startAuthorization(config, world.operatorConsole, { scope: 'openid', prompt: 'login' });
    const login = await agent.navigate(plain.url);
    if (!isPage(login)) throw new Error('expected the login page');
    const step = await agent.submit(login, { email: world.referent.email, password: world.referent.password });
    if (!isPage(step)) throw new Error('an operator tool must not let a password alone through');
    expect(step.url).toContain('/second-factor');

    const silent = await startAuthorization(config, world.operatorConsole, {
      scope: 'openid admin',
      resource: adminAudienceOf(world.server),
      prompt: 'none',
    });
    const answer = await agent.navigate(silent.url);
    if (isPage(answer)) throw new Error('prompt=none answers the site');
    expect(new URL(answer.leftTo).searchParams.get('error')).toBe('login_required');

    const tokens = await operatorTokensAt(world.server, world.operatorConsole, { ...world.referent, secondFactor }, agent);
    expect(tokens.claims()?.acr).toBe(ACR_2FA);
    expect((await communesWith(tokens)).status).toBe(200);
  });
});
