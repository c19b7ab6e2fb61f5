// Signing in with FranceConnect, end to end: a commune site (openid-client) sends the citizen to us, who go on to
// the FranceConnect stand-in (a real oidc-provider of its own) and come back. A new account is made from the
// identity; an account of the same email is linked only after its password; a later sign-in finds the account by
// the upstream sub; the logout of such a session ends FranceConnect's and comes back; each fault is a readable page
// with the way back, never a 500, never an account; and the attacker's requests are refused.
import * as oidc from 'openid-client';
import { ACR_1FA } from '../../src/accounts/index.js';
import { findFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { anAccount } from '../support/builders.js';
import { withFranceConnect } from '../support/franceconnect.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, exchange, startAuthorization, type AuthorizationAttempt } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const SIGNED_OUT_AT_SITE = 'https://rp-franceconnect.example.org/signed-out';
const world = useWorld(() =>
  withFranceConnect((env) => anOidcWorld({ communes: ['bron'], clients: { site: { postLogoutRedirectUris: [SIGNED_OUT_AT_SITE] } }, env })),
);
const unconfigured = useWorld(() => anOidcWorld({ communes: ['vaulx'], clients: { site: {} } }));

let citizens = 0;
/** A citizen FranceConnect knows, with the pivot identity; the stand-in signs them in next. */
function aFranceConnectCitizen(claims: Record<string, unknown> = {}): { sub: string; email: string } {
  citizens += 1;
  const sub = `fc-${citizens}-${Date.now()}`;
  const email = `fc-citizen-${citizens}-${Date.now()}@example.org`;
  world.franceConnect.addCitizen({
    sub,
    claims: {
      given_name: 'Angela Claire',
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      gender: 'female',
      birthplace: '75107',
      birthcountry: '99100',
      preferred_username: 'Dupont',
      email,
      email_verified: true,
      ...claims,
    },
  });
  world.franceConnect.decide({ signIn: sub });
  return { sub, email };
}

async function loginPage(agent: UserAgent): Promise<{ page: Page; attempt: AuthorizationAttempt; config: oidc.Configuration }> {
  const config = await discover(agent.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const page = await agent.navigate(attempt.url);
  if (!isPage(page) || !page.html.includes('name="password"')) throw new Error('expected the login page');
  return { page, attempt, config };
}

const franceConnectForm = (page: Page) => formsOf(page.html).findIndex((form) => form.action.endsWith('/franceconnect'));

/** Presses the FranceConnect button: answers where FranceConnect sends the browser back (our callback). */
async function pressFranceConnect(agent: UserAgent, page: Page): Promise<string> {
  const left = await agent.submit(page, {}, franceConnectForm(page));
  if (isPage(left)) throw new Error(`expected FranceConnect, got ${left.status} ${left.url}`);
  expect(left.leftTo.startsWith(world.franceConnect.issuer)).toBe(true);
  return world.franceConnect.follow(left.leftTo);
}

/** Goes on from `result`, allowing consent if asked; answers the site's callback URL. */
async function untilSite(agent: UserAgent, result: Page | { leftTo: string }): Promise<string> {
  let current = result;
  for (let step = 0; step < 3 && isPage(current); step++) {
    if (!current.html.includes('value="allow"'))
      throw new Error(`unexpected page ${current.status} ${current.url}: ${current.html.slice(0, 300)}`);
    current = await agent.submit(current, { decision: 'allow' });
  }
  if (isPage(current)) throw new Error('the flow did not return to the site');
  return current.leftTo;
}

async function signInWithFranceConnect(agent: UserAgent) {
  const { page, attempt, config } = await loginPage(agent);
  const callback = await pressFranceConnect(agent, page);
  const tokens = await exchange(config, attempt, await untilSite(agent, await agent.navigate(callback)));
  return { tokens, claims: tokens.claims()!, config };
}

const accountOf = async (email: string) =>
  (
    await world.server.pool.query<{ id: string; password_hash: string | null; email_verified: boolean; given_name: string | null }>(
      'select id, password_hash, email_verified, given_name from accounts where lower(email) = lower($1)',
      [email],
    )
  ).rows[0];

/** A fault page: readable, in the citizen's language, with the way back; never a 500. */
function expectFault(page: Page | { leftTo: string }, status: number, text: string): Page {
  if (!isPage(page)) throw new Error('expected a page');
  expect({ status: page.status, text: /role="status">([^<]*)/.exec(page.html)?.[1] }).toEqual({
    status,
    text: expect.stringContaining(text),
  });
  expect(page.html).toMatch(/href="\/interaction\/[^"]+"|href="\/\?ui_locales=/);
  return page;
}

describe('signing in with FranceConnect', () => {
  it('makes a new account from the identity, with no password of ours, its email verified as FranceConnect says, amr fc at one factor', async () => {
    const fc = aFranceConnectCitizen();
    const { claims } = await signInWithFranceConnect(new UserAgent(world.server.issuer));
    expect(claims.amr).toEqual(['fc']);
    expect(claims.acr).toBe(ACR_1FA);
    const account = await accountOf(fc.email);
    expect(account).toMatchObject({ password_hash: null, email_verified: true, given_name: 'Angela Claire' });
    const link = await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub);
    expect(link).toMatchObject({ accountId: account!.id, acr: 'eidas1' });
    expect(link!.identity).toMatchObject({ birthdate: '1962-08-24', birthplace: '75107' });
    const history = await world.server.accounts.securityHistory(account!.id);
    expect(history.map((event) => event.kind)).toContain('account_created');
  });

  it('counts an email FranceConnect does not say is verified as unverified, and mails the verification link', async () => {
    const fc = aFranceConnectCitizen({ email_verified: undefined });
    await signInWithFranceConnect(new UserAgent(world.server.issuer));
    expect((await accountOf(fc.email))?.email_verified).toBe(false);
  });

  it('finds the account again by the upstream sub, with the identity as received this time', async () => {
    const fc = aFranceConnectCitizen();
    const first = await signInWithFranceConnect(new UserAgent(world.server.issuer));
    const before = await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub);
    world.franceConnect.addCitizen({ sub: fc.sub, claims: { email: fc.email, given_name: 'Angèle', family_name: 'DUBOIS' } });
    const second = await signInWithFranceConnect(new UserAgent(world.server.issuer));
    expect(second.claims.sub).toBe(first.claims.sub);
    const after = await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub);
    expect(after!.identity.given_name).toBe('Angèle');
    expect(after!.lastUsedAt.getTime()).toBeGreaterThanOrEqual(before!.lastUsedAt.getTime());
    const { rows } = await world.server.pool.query('select count(*)::int as n from accounts where lower(email) = lower($1)', [fc.email]);
    expect(rows[0].n).toBe(1);
  });

  it('links an account of the same email only after its password, and lands on the account the password opens', async () => {
    const existing = await anAccount(world.server.accounts);
    const fc = aFranceConnectCitizen({ email: existing.email });
    const agent = new UserAgent(world.server.issuer);
    const { page, attempt, config } = await loginPage(agent);
    const link = await agent.navigate(await pressFranceConnect(agent, page));
    if (!isPage(link)) throw new Error('expected the link page');
    expect(link.url).toMatch(/\/franceconnect\/link$/);
    expect(link.html).toContain(existing.email);

    const wrong = await agent.submit(link, { password: 'not the password at all' });
    expect(isPage(wrong) && wrong.status).toBe(401);
    expect(isPage(wrong) && wrong.html).toContain('aria-invalid="true"');
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub)).toBeUndefined();

    const tokens = await exchange(
      config,
      attempt,
      await untilSite(agent, await agent.submit(wrong as Page, { password: existing.password })),
    );
    expect(tokens.claims()!.amr).toEqual(['pwd', 'fc']);
    expect((await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub))?.accountId).toBe(existing.id);
    const history = await world.server.accounts.securityHistory(existing.id);
    expect(history.map((event) => event.kind)).toContain('franceconnect_linked');

    // The same account as a password sign-in: the site receives the same sub.
    const byPassword = new UserAgent(world.server.issuer);
    const passwordLogin = await loginPage(byPassword);
    const passwordTokens = await exchange(
      passwordLogin.config,
      passwordLogin.attempt,
      await untilSite(byPassword, await byPassword.submit(passwordLogin.page, { email: existing.email, password: existing.password })),
    );
    expect(passwordTokens.claims()!.sub).toBe(tokens.claims()!.sub);
  });

  it('ends the FranceConnect session at logout (end_session with id_token_hint and state), then goes on to the site', async () => {
    const fc = aFranceConnectCitizen();
    const agent = new UserAgent(world.server.issuer);
    const { tokens, config } = await signInWithFranceConnect(agent);
    const logout = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: SIGNED_OUT_AT_SITE,
      state: 'site-state',
    });
    const confirm = await agent.navigate(logout.toString());
    if (!isPage(confirm)) throw new Error('expected the logout page');
    const left = await agent.submit(confirm, { logout: 'yes' });
    if (isPage(left)) throw new Error(`expected FranceConnect's logout, got ${left.status}`);
    const upstream = new URL(left.leftTo);
    expect(upstream.origin).toBe(world.franceConnect.issuer);
    expect(upstream.searchParams.get('id_token_hint')).toBeTruthy();
    expect(upstream.searchParams.get('state')).toBeTruthy();
    const back = await world.franceConnect.logOut(left.leftTo);
    expect(back.startsWith(`${world.server.issuer}/franceconnect/logout-callback`)).toBe(true);
    expect(world.franceConnect.endedSessions).toContain(fc.sub);
    const onward = await agent.navigate(back);
    if (isPage(onward)) throw new Error(`expected the site, got ${onward.status}`);
    const site = new URL(onward.leftTo);
    expect(`${site.origin}${site.pathname}`).toBe(SIGNED_OUT_AT_SITE);
    expect(site.searchParams.get('state')).toBe('site-state');
    // Spent: the same answer again goes to our own signed-out page, not back to the site.
    const again = await agent.request(back);
    expect(new URL(again.headers.get('location')!, world.server.issuer).origin).toBe(world.server.issuer);
  });
});

describe('FranceConnect faults: a readable page with the way back, no account', () => {
  it('says the citizen cancelled (access_denied), in their language', async () => {
    const fc = aFranceConnectCitizen();
    world.franceConnect.decide({ refuse: 'access_denied' });
    const agent = new UserAgent(world.server.issuer);
    agent.acceptLanguage = 'en';
    const { page } = await loginPage(agent);
    const result = await agent.navigate(await pressFranceConnect(agent, page));
    expectFault(result, 400, 'You cancelled signing in with FranceConnect');
    expect(await accountOf(fc.email)).toBeUndefined();
  });

  it('tells an upstream error apart', async () => {
    aFranceConnectCitizen();
    world.franceConnect.decide({ error: 'server_error' });
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    expectFault(await agent.navigate(await pressFranceConnect(agent, page)), 502, 'FranceConnect a refusé la connexion');
  });

  it('refuses an ID token with a bad signature, keeping nothing of it', async () => {
    const fc = aFranceConnectCitizen();
    world.franceConnect.tamperIdTokens = true;
    try {
      const agent = new UserAgent(world.server.issuer);
      const { page } = await loginPage(agent);
      expectFault(await agent.navigate(await pressFranceConnect(agent, page)), 502, 'n’a pas pu être vérifiée');
    } finally {
      world.franceConnect.tamperIdTokens = false;
    }
    expect(await accountOf(fc.email)).toBeUndefined();
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub)).toBeUndefined();
  });
});

describe('FranceConnect under attack', () => {
  it('refuses a forged callback state', async () => {
    const fc = aFranceConnectCitizen();
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    const callback = new URL(await pressFranceConnect(agent, page));
    callback.searchParams.set('state', 'a-state-the-attacker-made-up-0123456789');
    expectFault(await agent.navigate(callback.toString()), 400, 'ne correspond à aucune connexion');
    expect(await accountOf(fc.email)).toBeUndefined();
  });

  it('refuses a callback replayed, in the same browser and in another', async () => {
    aFranceConnectCitizen();
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    const callback = await pressFranceConnect(agent, page);
    await untilSite(agent, await agent.navigate(callback));
    expectFault(await agent.navigate(callback), 400, 'ne correspond à aucune connexion');
    expectFault(await new UserAgent(world.server.issuer).navigate(callback), 400, 'ne correspond à aucune connexion');
  });

  it('refuses an answer carried to another browser (login CSRF): its cookie is not there', async () => {
    const fc = aFranceConnectCitizen();
    const attacker = new UserAgent(world.server.issuer);
    const { page } = await loginPage(attacker);
    const callback = await pressFranceConnect(attacker, page);
    const victim = new UserAgent(world.server.issuer);
    expectFault(await victim.navigate(callback), 400, 'ne correspond à aucune connexion');
    expect(await accountOf(fc.email)).toBeUndefined();
  });

  it('links nothing to another’s account without its password, whatever address the form carries', async () => {
    const victim = await anAccount(world.server.accounts);
    const attacker = await anAccount(world.server.accounts, { password: 'the attacker’s own long passphrase' });
    const fc = aFranceConnectCitizen({ email: victim.email });
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    const link = await agent.navigate(await pressFranceConnect(agent, page));
    if (!isPage(link)) throw new Error('expected the link page');
    const refused = await agent.submit(link, { email: attacker.email, password: attacker.password });
    expect(isPage(refused) && refused.status).toBe(401);
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub)).toBeUndefined();
    // Without FranceConnect's answer in this interaction, the link route has nothing to link.
    const { page: fresh } = await loginPage(agent);
    const uid = /\/interaction\/([^/"]+)\/login/.exec(fresh.html)?.[1];
    const csrf = formsOf(fresh.html)[0]!.fields._csrf!;
    const forged = await agent.request(`/interaction/${uid}/franceconnect/link`, { form: { _csrf: csrf, password: victim.password } });
    expect(forged.status).toBe(400);
    expect(await findFederatedIdentity(world.server.pool, 'franceconnect', fc.sub)).toBeUndefined();
  });

  it('redirects nowhere a request names: the logout callback and the sign-in routes ignore return parameters', async () => {
    const evil = 'https://evil.example/steal';
    const logout = await new UserAgent(world.server.issuer).request(
      `/franceconnect/logout-callback?state=forged-state-0123456789&post_logout_redirect_uri=${encodeURIComponent(evil)}&continue=${encodeURIComponent(evil)}`,
    );
    expect(logout.status).toBe(303);
    expect(new URL(logout.headers.get('location')!, world.server.issuer).origin).toBe(world.server.issuer);
    aFranceConnectCitizen();
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    const left = await agent.submit(page, { redirect_uri: evil, return_to: evil }, franceConnectForm(page));
    if (isPage(left)) throw new Error('expected FranceConnect');
    expect(new URL(left.leftTo).searchParams.get('redirect_uri')).toBe(`${world.server.issuer}/franceconnect/callback`);
    const callback = new URL(await world.franceConnect.follow(left.leftTo));
    callback.searchParams.set('redirect_uri', evil);
    const onward = await agent.request(callback.toString());
    expect(onward.status).toBe(303);
    expect(new URL(onward.headers.get('location')!, world.server.issuer).origin).toBe(world.server.issuer);
  });

  it('says FranceConnect does not answer when it is down, and makes no account (last: the stand-in stops)', async () => {
    const fc = aFranceConnectCitizen();
    const agent = new UserAgent(world.server.issuer);
    const { page } = await loginPage(agent);
    const callback = await pressFranceConnect(agent, page);
    await world.franceConnect.stop();
    expectFault(await agent.navigate(callback), 502, 'FranceConnect ne répond pas');
    expect(await accountOf(fc.email)).toBeUndefined();
  });
});

describe('without FranceConnect configured', () => {
  it('shows no button and its routes answer 404', async () => {
    const agent = new UserAgent(unconfigured.server.issuer);
    const config = await discover(agent.issuer, unconfigured.site);
    const page = await agent.navigate((await startAuthorization(config, unconfigured.site)).url);
    if (!isPage(page)) throw new Error('expected the login page');
    expect(page.html).not.toContain('FranceConnect');
    expect((await agent.request('/franceconnect/callback?code=x&state=y')).status).toBe(404);
    const uid = /\/interaction\/([^/"]+)\/login/.exec(page.html)?.[1];
    const csrf = formsOf(page.html)[0]!.fields._csrf!;
    expect((await agent.request(`/interaction/${uid}/franceconnect`, { form: { _csrf: csrf } })).status).toBe(404);
  });
});
