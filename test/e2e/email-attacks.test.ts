// An attacker at the two doors that take a new email address, registration and email change: a display
// name that sends the mail elsewhere, an answer that tells whether an address has an account, and a
// form that mails an address again and again.
import { SESSION_COOKIE } from '../../src/oidc/index.js';
import { anAccount, A_PASSWORD } from '../support/builders.js';
import { comparable, mailsArrived, pageAt, signedIn, submitTo, textOf } from '../support/account-space.js';
import { mailsTo } from '../support/outbox.js';
import { discover, exchange, oidc, registrationPageFrom, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: [{ slug: 'rillieux', name: 'Rillieux-la-Pape' }], clients: { site: {} } }));

let counter = 0;
const ATTACKER = 'attacker@example.org';

const anAddress = (prefix = 'habitante') => `${prefix}-${Date.now()}-${counter++}@example.org`;
const accountCount = async () => (await world.server.pool.query<{ n: number }>('select count(*)::int as n from accounts')).rows[0]!.n;

/** A browser on the registration page of a commune site's authorization request. */
async function atRegistration() {
  const agent = new UserAgent(world.server.issuer);
  const config = await discover(world.server.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const register = await registrationPageFrom(agent, await pageAt(agent, attempt.url));
  return { agent, config, attempt, register };
}

async function register(email: string) {
  const at = await atRegistration();
  const result = await at.agent.submit(at.register, { given_name: 'Nina', family_name: 'Roche', email, password: A_PASSWORD });
  return { ...at, result };
}

describe('registration', () => {
  it.each([
    ['a display name glued to the address', `Eve<${ATTACKER}>`],
    ['a quoted display name', `"Nina Roche"<${ATTACKER}>`],
    ['a second address after a comma', `nina@example.org,${ATTACKER}`],
  ])('refuses %s with a readable page, creates no account and mails nobody', async (_what, email) => {
    const before = await accountCount();
    const { result } = await register(email);
    expect(isPage(result) && result.status).toBe(400);
    expect(isPage(result) && textOf(result)).toContain('Saisissez une adresse électronique valide');
    expect(await accountCount()).toBe(before);
    expect(await mailsTo(world.server, ATTACKER)).toHaveLength(0);
  });

  it('answers an address that already has an account exactly like a new one, and signs nobody in', async () => {
    const owner = await anAccount(world.server.accounts);
    const fresh = anAddress();
    const taken = await register(owner.email.toUpperCase());
    const created = await register(fresh);
    if (!isPage(taken.result) || !isPage(created.result)) throw new Error('expected pages, the flow went on to the site');

    expect(created.result.status).toBe(200);
    expect(comparable(taken.result, [owner.email.toUpperCase()])).toEqual(comparable(created.result, [fresh]));
    expect(textOf(created.result)).toContain('Vérifiez votre boîte aux lettres');
    // Neither browser holds a session: the site's next request asks for a login.
    for (const browser of [taken, created]) {
      const again = await pageAt(browser.agent, (await startAuthorization(browser.config, world.site)).url);
      expect(again.html).toContain('autocomplete="current-password"');
    }
  });

  it('tells the owner of a taken address, with a way to reset the password, and changes nothing of the account', async () => {
    const owner = await anAccount(world.server.accounts);
    const before = await world.server.accounts.findById(owner.id);
    await register(owner.email);
    const [mail] = await mailsArrived(world.server, owner.email);
    expect(mail!.subject).toContain('Tentative de création de compte');
    expect(mail!.raw).toContain(`${world.server.issuer}/account/password/forgot`);
    expect(mail!.raw).not.toContain('token=');
    expect(await world.server.accounts.findById(owner.id)).toEqual(before);
    expect(await world.server.accounts.authenticate(owner.email, owner.password)).toBeDefined();
  });

  it('goes on to the site once the link mailed to the new address is followed in the same browser', async () => {
    const email = anAddress();
    const { agent, config, attempt } = await register(email);
    const [mail] = await mailsArrived(world.server, email);
    expect(mail!.subject).toContain('Vérifiez votre adresse');
    const confirm = await pageAt(agent, mail!.link!);
    let result = await agent.submit(confirm, {});
    if (isPage(result) && result.html.includes('value="allow"')) result = await agent.submit(result, { decision: 'allow' });
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}: ${textOf(result).slice(0, 200)}`);
    const tokens = await exchange(config, attempt, result.leftTo);
    const claims = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(claims).toMatchObject({ email, email_verified: true });
  });

  it('verifies the address but signs nobody in when the link is followed in another browser', async () => {
    const email = anAddress();
    await register(email);
    const [mail] = await mailsArrived(world.server, email);
    const other = new UserAgent(world.server.issuer);
    const done = await other.submit(await pageAt(other, mail!.link!), {});
    expect(isPage(done) && done.status).toBe(200);
    expect(isPage(done) && textOf(done)).toContain('votre adresse électronique est vérifiée');
    expect((await world.server.accounts.findByEmail(email))!.emailVerified).toBe(true);
    expect(isPage(await other.navigate('/account'))).toBe(true);
    expect(other.cookies.has(SESSION_COOKIE)).toBe(false);
  });
});

describe('changing the email', () => {
  async function requestChange(agent: UserAgent, email: string, password: string): Promise<Page> {
    const form = await pageAt(agent, '/account/email');
    const result = await submitTo(agent, form, '/account/email', { email, current_password: password });
    if (!isPage(result)) throw new Error('expected a page');
    return result;
  }

  it('refuses a display name glued to the new address with a readable page, and mails nobody', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const result = await requestChange(agent, `Eve<${ATTACKER}>`, citizen.password);
    expect(result.status).toBe(400);
    expect(textOf(result)).toContain('Saisissez une adresse électronique valide');
    expect(await mailsTo(world.server, ATTACKER)).toHaveLength(0);
    expect((await world.server.accounts.findById(citizen.id))!.email).toBe(citizen.email);
  });

  it('answers an address another account uses like a free one, and tells that account instead', async () => {
    const citizen = await anAccount(world.server.accounts);
    const owner = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const free = anAddress('libre');
    const toFree = await requestChange(agent, free, citizen.password);
    const toTaken = await requestChange(agent, owner.email, citizen.password);
    expect(toFree.status).toBe(200);
    expect(comparable(toTaken, [owner.email])).toEqual(comparable(toFree, [free]));

    const [warning] = await mailsArrived(world.server, owner.email);
    expect(warning!.subject).toContain('Demande de changement d’adresse');
    expect(warning!.raw).toContain('rien n’a changé');
    expect(warning!.link).toBeUndefined();
    expect((await world.server.accounts.findById(owner.id))!.email).toBe(owner.email);
    expect((await world.server.accounts.findById(citizen.id))!.email).toBe(citizen.email);
  });

  it('sends at most three links an hour, then refuses with a readable page', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, citizen);
    const target = anAddress('cible');
    for (let i = 0; i < 3; i++) expect((await requestChange(agent, target, citizen.password)).status).toBe(200);
    const refused = await requestChange(agent, target, citizen.password);
    expect(refused.status).toBe(429);
    expect(textOf(refused)).toContain('Trop de demandes en une heure');
    expect(await mailsArrived(world.server, target, 3)).toHaveLength(3);
  });
});
