// A metropole-admin locks an account (fraud, a citizen's request): it cannot sign in — answered exactly like
// a wrong password — and what it already held stops working; unlocked, it signs in again.
import { operatorsOf, operatorTokensAt } from '../support/admin.js';
import { anAccount } from '../support/builders.js';
import { comparable } from '../support/account-space.js';
import { discover, loginPageAt, oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [{ slug: 'villeurbanne', name: 'Villeurbanne' }],
    clients: {
      site: { name: 'Villeurbanne, démarches' },
      otherSite: { name: 'Médiathèque de Villeurbanne' },
      operatorConsole: { name: 'Console des opérateurs', isOperatorTool: true },
    },
    operators: { admin: { role: 'metropole-admin' } },
  }),
);

async function setLocked(sub: string, isLocked: boolean): Promise<void> {
  const response = await world.api.call(world.admin.bearer, 'POST', `/accounts/${sub}/${isLocked ? 'lock' : 'unlock'}`);
  expect([response.status, response.body.locked]).toEqual([200, isLocked]);
}

/** Submits the login form of a fresh browser with these credentials; answers the page it stays on. */
async function refusedLogin(email: string, password: string): Promise<Page> {
  const agent = new UserAgent(world.server.issuer);
  const result = await agent.submit(await loginPageAt(world.site, agent), { email, password });
  if (!isPage(result)) throw new Error(`the login let the browser through to ${result.leftTo}`);
  return result;
}

describe('locking an account', () => {
  it('refuses its sign-in with the very page a wrong password gets: 401, same message', async () => {
    const citizen = await anAccount(world.server.accounts);
    await setLocked(citizen.id, true);
    const locked = await refusedLogin(citizen.email, citizen.password);
    const wrong = await refusedLogin(citizen.email, 'not the right password at all');
    expect(locked.status).toBe(401);
    expect(locked.html).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(comparable(locked)).toEqual(comparable(wrong));
  });

  it('stops the refresh token and the access token it already held', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { config, tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), citizen);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await setLocked(citizen.id, true);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('does not let an open session through to another site', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    await signInAt(world.site, browser, citizen);
    await setLocked(citizen.id, true);
    const attempt = await startAuthorization(await discover(world.server.issuer, world.otherSite), world.otherSite);
    const result = await browser.navigate(attempt.url);
    expect(isPage(result) && result.html.includes('name="password"')).toBe(true);
  });

  it("takes the operators' API away from a locked operator at once", async () => {
    const operator = await anAccount(world.server.accounts);
    await operatorsOf(world.server).grant({ email: operator.email }, 'commune-referent', ['villeurbanne'], { actor: 'test' });
    const tokens = await operatorTokensAt(world.server, world.operatorConsole, operator);
    const communes = () => world.api.call(`Bearer ${tokens.access_token}`, 'GET', '/communes');
    expect((await communes()).status).toBe(200);
    await setLocked(operator.id, true);
    expect((await communes()).status).toBe(401);
  });

  it('shows the account as locked to the Métropole, and unlocking lets it sign in again', async () => {
    const citizen = await anAccount(world.server.accounts);
    await setLocked(citizen.id, true);
    const found = await world.api.call(world.admin.bearer, 'GET', `/accounts?email=${encodeURIComponent(citizen.email)}`);
    expect(found.body.items).toEqual([expect.objectContaining({ sub: citizen.id, locked: true })]);

    await setLocked(citizen.id, false);
    const { config, tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), citizen);
    expect(tokens.claims()!.sub).toEqual(expect.any(String));
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
  });
});
