// Deleting the account: the password again, then at once sessions and tokens revoked, back-channel
// logout to every connected site, personal data erased, a confirmation mail; the sub is never reused.
import { anAccount, A_PASSWORD } from '../support/builders.js';
import { isLoginPage, mailsArrived, pageAt, signedIn, submitTo } from '../support/account-space.js';
import { startLogoutReceiver } from '../support/logout-receiver.js';
import { oidc, registerAt, signInAt } from '../support/relying-party.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const receiver = useWorld(startLogoutReceiver);
const world = useWorld(() =>
  anOidcWorld({
    communes: [{ slug: 'givors', name: 'Givors' }],
    clients: { site: { name: 'Portail famille de Givors', backchannelLogoutUri: receiver.uri } },
  }),
);

async function deleteWith(browser: UserAgent, password: string): Promise<Page> {
  const form = await pageAt(browser, '/account/delete');
  const result = await submitTo(browser, form, '/account/delete', { current_password: password });
  if (!isPage(result)) throw new Error('expected a page');
  return result;
}

/** Registers through the site's login page, as a citizen would; answers the subject the site sees. */
async function registerAtSite(email: string): Promise<string> {
  const { tokens } = await registerAt(world.server, world.site, new UserAgent(world.server.issuer), {
    email,
    givenName: 'Yasmine',
    familyName: 'Haddad',
  });
  return tokens.claims()!.sub;
}

describe('deleting the account', () => {
  it('refuses a wrong password and keeps everything', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = await signedIn(world.server.issuer, citizen);
    const before = await world.server.accounts.findById(citizen.id);
    const refused = await deleteWith(browser, 'pas le bon mot de passe');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Le mot de passe actuel est incorrect');
    expect(await world.server.accounts.findById(citizen.id)).toEqual(before);
    expect((await pageAt(browser, '/account')).html).toContain('Mon profil');
  });

  it('closes the account at once: tokens and sessions end, the site is logged out, the data is gone, a mail confirms', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, browser, citizen);
    await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    const before = receiver.received.length;

    const done = await deleteWith(browser, citizen.password);
    expect(done.status).toBe(200);
    expect(done.html).toContain('Votre compte a été supprimé');

    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
    expect(await world.server.accounts.securityHistory(citizen.id)).toEqual([]);
    expect(await world.server.accounts.sharingJournal(citizen.id)).toEqual([]);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const [logout] = (await receiver.waitFor(before + 1)).slice(before);
    expect(logout).toMatchObject({ aud: world.site.clientId, sub: tokens.claims()!.sub });
    expect(isLoginPage(await browser.navigate('/account'))).toBe(true);

    const [mail] = await mailsArrived(world.server, citizen.email);
    expect(mail!.subject).toContain('Votre compte a été supprimé');
  });

  it('leaves no way to log in with the old credentials', async () => {
    const citizen = await anAccount(world.server.accounts);
    await deleteWith(await signedIn(world.server.issuer, citizen), citizen.password);

    expect(await world.server.accounts.authenticate(citizen.email, citizen.password)).toBeUndefined();
    const browser = new UserAgent(world.server.issuer);
    const login = await pageAt(browser, '/account');
    const refused = await browser.submit(login, { email: citizen.email, password: citizen.password });
    expect(isLoginPage(refused)).toBe(true);
  });

  it('lets the same email register again, as a new account with a new sub', async () => {
    const email = `revenante-${Date.now()}@example.org`;
    const firstSub = await registerAtSite(email);
    const first = (await world.server.accounts.authenticate(email, A_PASSWORD))!;
    await deleteWith(await signedIn(world.server.issuer, { email, password: A_PASSWORD }), A_PASSWORD);

    const secondSub = await registerAtSite(email);
    const second = (await world.server.accounts.authenticate(email, A_PASSWORD))!;
    expect(second.id).not.toBe(first.id);
    expect(secondSub).not.toBe(firstSub);
  });

  it('never gives a deleted sub to another account', async () => {
    const citizen = await anAccount(world.server.accounts);
    await deleteWith(await signedIn(world.server.issuer, citizen), citizen.password);

    await expect(
      world.server.pool.query(`insert into accounts (id, email, password_hash) values ($1, $2, 'not a hash')`, [
        citizen.id,
        `usurpateur-${Date.now()}@example.org`,
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await world.server.accounts.findById(citizen.id)).toBeUndefined();
  });
});
