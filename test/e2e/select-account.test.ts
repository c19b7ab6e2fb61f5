// prompt=select_account: with a session, the choice between going on as the signed-in account and another
// one (which signs the browser out of GrandLyonConnect, then shows the login page of the same request);
// without one, the login page. Both answers need the interaction's CSRF token and its own interaction.
import { csrfOf, isLoginPage } from '../support/account-space.js';
import { discover, exchange, oidc, signIn, signInAt, startAuthorization, type AuthorizationAttempt } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    clients: { site: {}, other: {} },
    accounts: { jeanne: { email: 'jeanne.martin@example.org' }, karim: {} },
  }),
);

const CHOICE = 'Utiliser un autre compte';

/** A browser signed in as Jeanne at the site; answers it and her sub there. */
async function jeanneSignedIn() {
  const agent = new UserAgent(world.server.issuer);
  const { tokens } = await signInAt(world.site, agent, world.jeanne);
  return { agent, sub: tokens.claims()!.sub };
}

async function selectAccountAt(agent: UserAgent, site = world.site) {
  const config = await discover(world.server.issuer, site);
  const attempt = await startAuthorization(config, site, { prompt: 'select_account' });
  return { config, attempt, result: await agent.navigate(attempt.url) };
}

async function choicePage(agent: UserAgent, site = world.site): Promise<{ page: Page; attempt: AuthorizationAttempt }> {
  const { attempt, result } = await selectAccountAt(agent, site);
  if (!isPage(result) || !result.html.includes(CHOICE)) throw new Error('expected the account choice');
  return { page: result, attempt };
}

/** Whose tokens these are, as the site reads it at userinfo. */
async function emailOf(config: oidc.Configuration, tokens: Awaited<ReturnType<typeof exchange>>) {
  return (await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email;
}

/** Whether the browser's session still opens a plain authorization at the site without the login page. */
async function stillSignedIn(agent: UserAgent): Promise<boolean> {
  const result = await agent.navigate((await startAuthorization(await discover(world.server.issuer, world.site), world.site)).url);
  return !isPage(result) && result.leftTo.includes('code=');
}

describe('prompt=select_account', () => {
  it('is listed in discovery’s prompt_values_supported', async () => {
    const discovery = (await (await fetch(`${world.server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.prompt_values_supported).toEqual(expect.arrayContaining(['none', 'login', 'consent', 'select_account']));
  });

  it('shows a signed-in browser the choice, in French, naming the account', async () => {
    const { agent } = await jeanneSignedIn();
    const { page } = await choicePage(agent);
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('Continuer en tant que jeanne.martin@example.org');
    expect(page.html).toContain(CHOICE);
  });

  it('shows the choice in English with ui_locales=en', async () => {
    const { agent } = await jeanneSignedIn();
    const config = await discover(world.server.issuer, world.site);
    const result = await agent.navigate((await startAuthorization(config, world.site, { prompt: 'select_account', ui_locales: 'en' })).url);
    if (!isPage(result)) throw new Error('expected the account choice');
    expect(result.html).toContain('<html lang="en">');
    expect(result.html).toContain('Continue as jeanne.martin@example.org');
    expect(result.html).toContain('Use another account');
  });

  it('continues as the signed-in account: a code for the same sub, no password asked', async () => {
    const { agent, sub } = await jeanneSignedIn();
    const { page, attempt } = await choicePage(agent);
    const left = await agent.submit(page, { decision: 'continue' });
    if (isPage(left)) throw new Error(`expected the site, got ${left.url}`);
    const tokens = await exchange(await discover(world.server.issuer, world.site), attempt, left.leftTo);
    expect(tokens.claims()!.sub).toBe(sub);
  });

  it('uses another account: the session ends, the login page of the same request shows, and the new account signs in', async () => {
    const { agent, sub } = await jeanneSignedIn();
    const { page, attempt } = await choicePage(agent);
    const login = await agent.submit(page, { decision: 'switch' });
    expect(isLoginPage(login)).toBe(true);
    const callback = await signIn(agent, { ...attempt, url: (login as Page).url }, world.karim);
    const config = await discover(world.server.issuer, world.site);
    const tokens = await exchange(config, attempt, callback);
    expect(tokens.claims()!.sub).not.toBe(sub);
    expect(await emailOf(config, tokens)).toBe(world.karim.email);
  });

  it('signs the browser out when another account is chosen, even if the login page is left', async () => {
    const { agent } = await jeanneSignedIn();
    const { page } = await choicePage(agent);
    await agent.submit(page, { decision: 'switch' });
    expect(await stillSignedIn(agent)).toBe(false);
  });

  it('shows the login page to a browser without a session, and no choice after the sign-in', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { config, attempt, result } = await selectAccountAt(agent);
    expect(isLoginPage(result)).toBe(true);
    const callback = await signIn(agent, { ...attempt, url: (result as Page).url }, world.jeanne);
    expect(await emailOf(config, await exchange(config, attempt, callback))).toBe(world.jeanne.email);
  });

  it('answers prompt=select_account with none by the library’s invalid_request', async () => {
    const { agent } = await jeanneSignedIn();
    const config = await discover(world.server.issuer, world.site);
    const result = await agent.navigate((await startAuthorization(config, world.site, { prompt: 'none select_account' })).url);
    if (isPage(result)) throw new Error('expected an error at the site');
    expect(new URL(result.leftTo).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('the account choice under attack', () => {
  it('refuses "use another account" posted cross-site without the CSRF token, and the session stays', async () => {
    const { agent } = await jeanneSignedIn();
    const { page } = await choicePage(agent);
    const forged = await agent.request(`${new URL(page.url).pathname}/select-account`, { form: { decision: 'switch' } });
    expect(forged.status).toBe(403);
    expect(await stillSignedIn(agent)).toBe(true);
  });

  it('refuses an answer carrying the token of another interaction', async () => {
    const { agent } = await jeanneSignedIn();
    const first = await choicePage(agent);
    const second = await choicePage(agent, world.other);
    const replayed = await agent.request(`${new URL(second.page.url).pathname}/select-account`, {
      form: { _csrf: csrfOf(first.page), decision: 'continue' },
    });
    expect(replayed.status).toBe(403);
  });

  it('does not let a continue answer skip another step: consent is still asked', async () => {
    const { agent } = await jeanneSignedIn();
    const consent = await agent.navigate((await startAuthorization(await discover(world.server.issuer, world.other), world.other)).url);
    if (!isPage(consent) || !consent.html.includes('value="allow"')) throw new Error('expected the consent page');
    const forged = await agent.request(`${new URL(consent.url).pathname}/select-account`, {
      form: { _csrf: csrfOf(consent), decision: 'continue' },
    });
    expect(forged.status).toBe(303);
    const after = await agent.navigate(forged.headers.get('location')!);
    expect(isPage(after) && after.html.includes('value="allow"')).toBe(true);
  });

  it('refuses a continue answer replayed once the flow went on', async () => {
    const { agent } = await jeanneSignedIn();
    const { page } = await choicePage(agent);
    expect(await agent.submit(page, { decision: 'continue' })).toEqual({ leftTo: expect.stringContaining('code=') });
    const replayed = await agent.submitOnce(page, { decision: 'continue' });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain('<html lang="fr">');
  });
});
