// What the citizen can read about their account: the sharing journal (which site got which claims,
// never the values), the security history in their language, and the export of everything.
import { anAccount } from '../support/builders.js';
import { isLoginPage, mailsArrived, pageAt, signedIn, submitTo, textOf } from '../support/account-space.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { formsOf, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({ communes: [{ slug: 'decines', name: 'Décines-Charpieu' }], clients: { site: { name: 'Médiathèque de Décines' } } }),
);

/** A citizen signed in at the site (ID token issued) and in the account space of the same browser. */
async function citizenAtSite(extra: Record<string, string> = {}) {
  const citizen = await anAccount(world.server.accounts, { givenName: 'Clémentine', familyName: 'Dubois-Rivière' });
  const browser = new UserAgent(world.server.issuer);
  const { config, tokens } = await signInAt(world.site, browser, citizen, extra);
  return { citizen, browser, config, tokens };
}

interface Export {
  profile: Record<string, unknown>;
  connected_services: { client_id: string; commune: string; since: string }[];
  sessions: { signed_in_at: string | null }[];
  security_history: { event: string; at: string }[];
  sharing_journal: { client_id: string; site: string; commune: string; claims: string[]; channel: string }[];
}

async function exported(browser: UserAgent): Promise<Export> {
  return (await (await browser.request('/account/export.json')).json()) as Export;
}

describe('the sharing journal', () => {
  it('records the ID token and each userinfo call, with the claim names and never their values', async () => {
    const { citizen, browser, config, tokens } = await citizenAtSite();
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

    const journal = await pageAt(browser, '/account/journal');
    expect(textOf(journal)).toContain('Médiathèque de Décines (Décines-Charpieu), à la connexion : identifiant');
    expect(textOf(journal)).toMatch(
      /Médiathèque de Décines \(Décines-Charpieu\), à la demande du site : [^—]*adresse électronique[^—]*prénom/,
    );
    for (const value of [citizen.email, 'Clémentine', 'Dubois-Rivière']) expect(journal.html).not.toContain(value);

    const { sharing_journal: entries } = await exported(browser);
    expect(entries.map((e) => e.channel).sort()).toEqual(['id_token', 'userinfo']);
    expect(entries.find((e) => e.channel === 'id_token')).toMatchObject({
      client_id: world.site.clientId,
      commune: 'Décines-Charpieu',
      claims: ['sub'],
    });
    expect(entries.find((e) => e.channel === 'userinfo')!.claims).toEqual([
      'email',
      'email_verified',
      'family_name',
      'given_name',
      'locale',
      'name',
      'sub',
      'updated_at',
    ]);
    for (const value of [citizen.email, 'Clémentine', 'Dubois-Rivière']) expect(JSON.stringify(entries)).not.toContain(value);
  });

  it('names the claims a site asked for in the ID token with the claims parameter', async () => {
    const { browser } = await citizenAtSite({ claims: JSON.stringify({ id_token: { email: null, given_name: null } }) });
    const { sharing_journal: entries } = await exported(browser);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ channel: 'id_token', claims: ['email', 'given_name', 'sub'] });
  });
});

describe('the security history', () => {
  const FRENCH = [
    'Connexion',
    'Tentative de connexion échouée',
    'Mot de passe changé',
    'Adresse électronique changée',
    'Accès d’un service retiré',
  ];
  const ENGLISH = ['Sign-in', 'Failed sign-in attempt', 'Password changed', 'Email address changed', 'Service access removed'];

  it('shows logins, failed logins, password and email changes and revocations, in French or in English', async () => {
    const { citizen, browser } = await citizenAtSite();
    const stranger = new UserAgent(world.server.issuer);
    const login = await pageAt(stranger, '/account');
    expect(isLoginPage(await stranger.submit(login, { email: citizen.email, password: 'pas le bon mot de passe' }))).toBe(true);

    const passwordForm = await pageAt(browser, '/account/password');
    await submitTo(browser, passwordForm, '/account/password', {
      current_password: citizen.password,
      new_password: 'un nouveau mot de passe solide',
    });
    const newAddress = `historique-${Date.now()}@example.org`;
    await submitTo(browser, await pageAt(browser, '/account/email'), '/account/email', {
      email: newAddress,
      current_password: 'un nouveau mot de passe solide',
    });
    const confirm = await pageAt(browser, (await mailsArrived(world.server, newAddress))[0]!.link!);
    await browser.submit(confirm, {});
    const services = await pageAt(browser, '/account/services');
    await browser.submit(
      services,
      {},
      formsOf(services.html).findIndex((f) => f.fields.client_id === world.site.clientId),
    );

    const french = await pageAt(browser, '/account/history');
    expect(french.html).toContain('<html lang="fr"');
    for (const event of FRENCH) expect(textOf(french)).toContain(`— ${event}`);
    const english = await pageAt(browser, '/account/history?ui_locales=en');
    expect(english.html).toContain('<html lang="en"');
    for (const event of ENGLISH) expect(textOf(english)).toContain(`— ${event}`);
    expect(textOf(english)).not.toContain('Connexion');
  });

  it('speaks the language the citizen chose in the profile', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = await signedIn(world.server.issuer, citizen);
    const profile = await pageAt(browser, '/account');
    const { _csrf, ...fields } = formsOf(profile.html).find((f) => f.action === '/account/profile')!.fields;
    await submitTo(browser, profile, '/account/profile', { ...fields, _csrf: _csrf!, locale: 'en' });

    const history = await pageAt(browser, '/account/history');
    expect(history.html).toContain('<html lang="en"');
    expect(textOf(history)).toContain('— Profile updated');
    expect(textOf(history)).toContain('— Sign-in');
  });
});

describe('the export', () => {
  it('downloads as JSON the profile, services, sessions, security history and journal', async () => {
    const { citizen, browser, config, tokens } = await citizenAtSite();
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    const response = await browser.request('/account/export.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.json"$/);
    const text = await response.text();
    expect(text).not.toContain('$argon2');
    const data = JSON.parse(text) as Export;

    expect(data.profile).toMatchObject({
      sub: citizen.id,
      email: citizen.email,
      given_name: 'Clémentine',
      family_name: 'Dubois-Rivière',
      email_verified: true,
    });
    expect(data.connected_services).toEqual([expect.objectContaining({ client_id: world.site.clientId, commune: 'Décines-Charpieu' })]);
    expect(data.sessions).toHaveLength(1);
    expect(data.sessions[0]!.signed_in_at).toEqual(expect.any(String));
    expect(data.security_history.map((e) => e.event)).toEqual(expect.arrayContaining(['login']));
    expect(data.sharing_journal.map((e) => e.channel).sort()).toEqual(['id_token', 'userinfo']);
  });

  it('is only given to the signed-in citizen', async () => {
    const response = await new UserAgent(world.server.issuer).request('/account/export.json');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/account\/login/);
    expect(isLoginPage(await new UserAgent(world.server.issuer).navigate('/account/export.json'))).toBe(true);
  });
});
