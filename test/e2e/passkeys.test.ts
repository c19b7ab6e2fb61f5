import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
// Passkeys over HTTP with a software authenticator standing for the device: registered in /account, used
// alone at a commune site (the ID token says hwk and two factors), and every endpoint fed what an attacker
// or a broken browser would send: a readable 400/401/403 page or a JSON error, never a 500.
import { anAccount, type TestAccount } from '../support/builders.js';
import { csrfOf, pageAt, signedIn } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, exchange, startAuthorization } from '../support/relying-party.js';
import { aSoftAuthenticator, type SoftAuthenticator } from '../support/soft-authenticator.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'bron', name: 'Bron' }], clients: { site: {} } }));

const SECURITY = '/account/security';
const OPTIONS = '/account/security/passkeys/options';
const ADD = '/account/security/passkeys';
const REMOVE = '/account/security/passkeys/remove';

async function json(agent: UserAgent, url: string): Promise<{ status: number; body: unknown }> {
  const response = await agent.request(url, { headers: { accept: 'application/json' } });
  return { status: response.status, body: await response.json() };
}

/** The registration options the security page's script would fetch. */
const creationOptions = async (agent: UserAgent) => (await json(agent, OPTIONS)).body as PublicKeyCredentialCreationOptionsJSON;

/** Posts `fields` to `action` with the CSRF token of `page`; the very answer, and its page once followed. */
async function post(agent: UserAgent, page: Page, action: string, fields: Record<string, string>) {
  const response = await agent.request(new URL(action, page.url).toString(), { method: 'POST', form: { _csrf: csrfOf(page), ...fields } });
  return { status: response.status, location: response.headers.get('location') ?? '', html: await response.text() };
}

/** A citizen signed in to /account whose device holds one passkey named `name`. */
async function citizenWithPasskey(
  name = 'Téléphone de Jeanne',
): Promise<{ citizen: TestAccount; agent: UserAgent; device: SoftAuthenticator }> {
  const citizen = await anAccount(world.server.accounts);
  const agent = await signedIn(world.server.issuer, citizen);
  const device = aSoftAuthenticator(world.server.issuer);
  const options = await creationOptions(agent);
  const added = await post(agent, await pageAt(agent, '/account'), ADD, { name, response: JSON.stringify(device.register(options)) });
  if (added.status !== 303) throw new Error(`registration answered ${added.status}: ${added.html.slice(0, 300)}`);
  return { citizen, agent, device };
}

/** The login page of a fresh authorization at the site, in a fresh browser. */
async function loginAtSite(extra: Record<string, string> = {}) {
  const agent = new UserAgent(world.server.issuer);
  const config = await discover(world.server.issuer, world.site);
  const attempt = await startAuthorization(config, world.site, extra);
  const login = await pageAt(agent, attempt.url);
  const uid = /\/interaction\/([^/]+)\//.exec(login.html)?.[1] ?? '';
  return {
    agent,
    config,
    attempt,
    login,
    uid,
    options: async () => (await json(agent, `/interaction/${uid}/passkey/options`)).body as PublicKeyCredentialRequestOptionsJSON,
  };
}

const passkeyAction = (uid: string) => `/interaction/${uid}/passkey`;

/** Posts an answer as the login page's script does: to its data-action, with its data-csrf token. */
function postPasskey(agent: UserAgent, login: Page, uid: string, response: string) {
  const csrf = /data-passkey-login[^>]*data-csrf="([^"]+)"/.exec(login.html)?.[1];
  if (!csrf) throw new Error(`no passkey sign-in on ${login.url}`);
  return agent.navigate(passkeyAction(uid), { method: 'POST', form: { _csrf: csrf, response } });
}

describe('passkeys end to end', () => {
  it('registers a passkey in /account with its name, and signs in at a site with it alone: amr hwk, acr 2fa', async () => {
    const { device } = await citizenWithPasskey();
    const { agent, config, attempt, login, uid, options } = await loginAtSite();
    expect(login.html).toContain(`action="${passkeyAction(uid)}"`);
    const answer = device.authenticate(await options());
    let result = await postPasskey(agent, login, uid, JSON.stringify(answer));
    if (isPage(result) && result.html.includes('value="allow"')) result = await agent.submit(result, { decision: 'allow' });
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}`);
    const claims = (await exchange(config, attempt, result.leftTo)).claims();
    expect(claims?.acr).toBe('urn:grandlyonconnect:acr:2fa');
    expect(claims?.amr).toEqual(['hwk', 'user', 'mfa']);
    expect(claims?.auth_time).toEqual(expect.any(Number));
  });

  it('lists the passkey with its creation date, then its last use', async () => {
    const { agent, device } = await citizenWithPasskey('Clé USB du bureau');
    const before = await pageAt(agent, SECURITY);
    expect(before.html).toContain('Clé USB du bureau');
    expect(before.html).toContain('Ajoutée le');
    expect(before.html).toContain('Pas encore utilisée');
    const { agent: browser, login, uid, options } = await loginAtSite();
    await postPasskey(browser, login, uid, JSON.stringify(device.authenticate(await options())));
    expect((await pageAt(agent, SECURITY)).html).toContain('Dernière utilisation le');
  });

  it('removes a passkey, after which it signs in no more', async () => {
    const { agent, device } = await citizenWithPasskey();
    const security = await pageAt(agent, SECURITY);
    const id = /name="id" value="([^"]+)"/.exec(security.html)?.[1] ?? '';
    const removed = await post(agent, security, REMOVE, { id });
    expect([removed.status, removed.location]).toEqual([303, `${SECURITY}?passkey=removed`]);
    expect((await pageAt(agent, removed.location)).html).toContain('La clé d’accès est supprimée.');
    const { agent: browser, login, uid, options } = await loginAtSite();
    const refused = await postPasskey(browser, login, uid, JSON.stringify(device.authenticate(await options())));
    expect(isPage(refused) && refused.status).toBe(401);
  });
});

describe('what the passkey endpoints refuse', () => {
  it('refuses a tampered assertion with a readable page, in French and in English', async () => {
    const { device } = await citizenWithPasskey();
    for (const [extra, words] of [
      [{}, 'Clé d’accès refusée'],
      [{ ui_locales: 'en' }, 'Passkey refused'],
    ] as const) {
      const { agent, login, uid, options } = await loginAtSite(extra);
      const answer = device.authenticate(await options(), { tamperSignature: true });
      const refused = await postPasskey(agent, login, uid, JSON.stringify(answer));
      expect(isPage(refused) && [refused.status, refused.html.includes(words)]).toEqual([401, true]);
    }
  });

  it('refuses an assertion made for another interaction (its challenge is bound to the one that asked)', async () => {
    const { device } = await citizenWithPasskey();
    const first = await loginAtSite();
    const second = await loginAtSite();
    const answer = device.authenticate(await first.options());
    await second.options();
    const refused = await postPasskey(second.agent, second.login, second.uid, JSON.stringify(answer));
    expect(isPage(refused) && refused.status).toBe(401);
  });

  it.each(['', 'garbage', '{"id":1}', '[]', JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} })])(
    'answers the sign-in garbage %p with a 400 page',
    async (garbage) => {
      const { agent, login, uid } = await loginAtSite();
      const refused = await postPasskey(agent, login, uid, garbage);
      expect(isPage(refused) && [refused.status, refused.html.includes('illisible')]).toEqual([400, true]);
    },
  );

  it('answers an unknown credential with the same 401 page as a bad signature', async () => {
    const { device } = await citizenWithPasskey();
    const stranger = aSoftAuthenticator(world.server.issuer);
    const { agent: citizenAgent } = await citizenWithPasskey();
    stranger.register(await creationOptions(citizenAgent));
    const pages = [];
    for (const bend of [
      { device: stranger, tamper: false },
      { device, tamper: true },
    ]) {
      const { agent, login, uid, options } = await loginAtSite();
      const answer = bend.device.authenticate(await options(), { tamperSignature: bend.tamper });
      const result = await postPasskey(agent, login, uid, JSON.stringify(answer));
      pages.push(isPage(result) ? [result.status, result.html.replace(/\/interaction\/[^"/]+/g, '')] : result.leftTo);
    }
    expect(pages[0]).toEqual(pages[1]);
    expect(pages[0]?.[0]).toBe(401);
  });

  it('refuses a sign-in form without its CSRF token (403) and options for an unknown interaction (400)', async () => {
    const { agent, uid } = await loginAtSite();
    const forged = await agent.request(passkeyAction(uid), { method: 'POST', form: { response: '{}' } });
    expect(forged.status).toBe(403);
    expect((await json(agent, '/interaction/not-an-interaction/passkey/options')).status).toBe(400);
  });

  it.each([
    ['garbage', 'not json', 'Clé', 'illisible|pas pu être vérifiée'],
    ['an empty name', 'VALID', '', '1 à 100 caractères'],
    ['a name over 100 characters', 'VALID', 'x'.repeat(150), '1 à 100 caractères'],
  ])('answers a registration with %s with a 400 page and adds nothing', async (_what, response, name, words) => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const options = await creationOptions(agent);
    const answer = response === 'VALID' ? JSON.stringify(aSoftAuthenticator(world.server.issuer).register(options)) : response;
    const refused = await post(agent, await pageAt(agent, '/account'), ADD, { name, response: answer });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(new RegExp(words));
    expect((await pageAt(agent, SECURITY)).html).toContain('pas encore de clé d’accès');
  });

  it('refuses a registration answer obtained in another session of the same citizen', async () => {
    const citizen = await anAccount(world.server.accounts);
    const mine = await signedIn(world.server.issuer, citizen);
    const other = await signedIn(world.server.issuer, citizen);
    const theirs = await creationOptions(other);
    await json(mine, OPTIONS);
    const refused = await post(mine, await pageAt(mine, '/account'), ADD, {
      name: 'Clé',
      response: JSON.stringify(aSoftAuthenticator(world.server.issuer).register(theirs)),
    });
    expect(refused.status).toBe(400);
  });

  it.each(['', 'not-a-uuid', '00000000-0000-4000-8000-000000000000'])('answers the removal of %p with a 400 page', async (id) => {
    const { agent } = await citizenWithPasskey();
    const refused = await post(agent, await pageAt(agent, SECURITY), REMOVE, { id });
    expect([refused.status, refused.html.includes('n’existe pas')]).toEqual([400, true]);
  });

  it('refuses to remove another citizen’s passkey', async () => {
    const { agent: victim } = await citizenWithPasskey('Clé de la victime');
    const id = /name="id" value="([^"]+)"/.exec((await pageAt(victim, SECURITY)).html)?.[1] ?? '';
    const { agent: attacker } = await citizenWithPasskey();
    expect((await post(attacker, await pageAt(attacker, SECURITY), REMOVE, { id })).status).toBe(400);
    expect((await pageAt(victim, SECURITY)).html).toContain('Clé de la victime');
  });

  it('sends a browser without a session to the login page instead of giving options', async () => {
    const response = await new UserAgent(world.server.issuer).request(OPTIONS, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(302);
  });
});
