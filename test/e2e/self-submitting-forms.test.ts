import { aClient, anAccount } from '../support/builders.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon'], clients: { site: {} } }));

function asPage(result: Page | { leftTo: string }, expected: string): Page {
  if (!isPage(result)) throw new Error(`expected ${expected}, left to ${result.leftTo}`);
  return result;
}

describe('pages the browser posts on its own', () => {
  it('answers response_mode=form_post with our page: French, the code for the site, a button without JavaScript', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const attempt = await startAuthorization(await discover(world.server.issuer, world.site), world.site, { response_mode: 'form_post' });
    const login = await agent.navigate(attempt.url);
    if (!isPage(login)) throw new Error('expected the login page');
    const consent = await agent.submit(login, { email: citizen.email, password: citizen.password });
    if (!isPage(consent)) throw new Error('expected the consent page');
    const page = await agent.submit(consent, { decision: 'allow' });
    if (!isPage(page)) throw new Error('expected the self-submitting page');
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('Continuer');
    const [form] = formsOf(page.html);
    expect(form!.action).toBe(world.site.redirectUri);
    expect(form!.fields).toMatchObject({ code: expect.any(String), state: attempt.state });
  });

  it('posts a refusal under response_mode=form_post to the site from our page, with the error and a 400', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const attempt = await startAuthorization(await discover(world.server.issuer, world.site), world.site, { response_mode: 'form_post' });
    const login = asPage(await agent.navigate(attempt.url), 'the login page');
    const consent = asPage(await agent.submit(login, { email: citizen.email, password: citizen.password }), 'the consent page');
    const page = asPage(await agent.submit(consent, { decision: 'deny' }), 'the self-submitting page');
    expect(page.status).toBe(400);
    expect(page.html).toContain('Continuer');
    const [form] = formsOf(page.html);
    expect(form!.action).toBe(world.site.redirectUri);
    expect(form!.fields).toMatchObject({ error: 'access_denied', state: attempt.state, iss: world.server.issuer });
    expect(form!.fields.code).toBeUndefined();
  });

  it('opens a device code given in the link through our page, whose form the provider accepts', async () => {
    const kiosk = await aClient(world.server.registry, 'lyon', {
      isPublic: true,
      subjectType: 'public',
      redirectUris: [],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
    });
    const authorization = await oidc.initiateDeviceAuthorization(await discover(world.server.issuer, kiosk), { scope: 'openid' });
    const agent = new UserAgent(world.server.issuer);
    const page = asPage(await agent.navigate(authorization.verification_uri_complete!), 'the self-submitting page');
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('Redirection en cours');
    const [form] = formsOf(page.html);
    expect(form!.action).toBe(`${world.server.issuer}/device`);
    expect(form!.fields).toMatchObject({ user_code: authorization.user_code, xsrf: expect.any(String) });
    const confirmation = asPage(await agent.submit(page, {}), 'the confirmation page');
    expect(confirmation.html).toContain('op.deviceConfirmForm');
    expect(formsOf(confirmation.html)[0]!.fields).toMatchObject({ user_code: authorization.user_code, confirm: 'yes' });
  });

  it('signs the session out through our page when another citizen signs in, then goes on for the new one', async () => {
    const first = await anAccount(world.server.accounts);
    const second = await anAccount(world.server.accounts);
    const publicSite = await aClient(world.server.registry, 'lyon', { subjectType: 'public' });
    const agent = new UserAgent(world.server.issuer);
    const config = await discover(world.server.issuer, publicSite);
    await signIn(agent, await startAuthorization(config, publicSite), first);
    const attempt = await startAuthorization(config, publicSite, { prompt: 'login' });
    const login = asPage(await agent.navigate(attempt.url), 'the login page');
    const page = asPage(await agent.submit(login, { email: second.email, password: second.password }), 'the self-submitting page');
    expect(page.html).toContain('Redirection en cours');
    const [form] = formsOf(page.html);
    expect(form!.action).toBe(`${world.server.issuer}/session/end/confirm`);
    expect(form!.fields).toMatchObject({ logout: 'yes', xsrf: expect.any(String) });
    const consent = asPage(await agent.submit(page, {}), 'the consent page of the new citizen');
    const callback = await agent.submit(consent, { decision: 'allow' });
    if (isPage(callback)) throw new Error(`expected the way back to the site, got ${callback.url}`);
    const tokens = await exchange(config, attempt, callback.leftTo);
    expect(tokens.claims()!.sub).toBe(second.id);
  });

  it('signs out a browser without a session through a localized page whose script the CSP allows', async () => {
    const agent = new UserAgent(world.server.issuer);
    const response = await agent.request('/session/end');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'$/);
    const html = await response.text();
    expect(html).toContain('Redirection en cours');
    const [form] = formsOf(html);
    expect(form!.action).toBe(`${world.server.issuer}/session/end/confirm`);
    expect(form!.fields.logout).toBe('yes');
    const done = await agent.submit({ url: `${world.server.issuer}/session/end`, status: 200, html }, {});
    expect(isPage(done) && done.html).toContain('Vous êtes déconnecté');
  });
});
