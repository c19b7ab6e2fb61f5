import { exchange, oidc, startAuthorization } from '../support/relying-party.js';
import { backOnSite, followRegistrationMail, messages, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = messages('fr');
const world = useWorld(startBrowserWorld);

describe('a citizen creates an account from a commune site, in a real browser', () => {
  it('goes from the login page to account creation, consents, and the site gets a code whose ID token carries the new email', async () => {
    // The site asks for the email inside the ID token itself (claims parameter), not only at userinfo.
    const attempt = await startAuthorization(world.config, world.client, { claims: JSON.stringify({ id_token: { email: null } }) });
    const page = await world.newPage();

    await page.goto(attempt.url);
    await expect(page.getByRole('heading', { level: 1, name: fr.login.title }).isVisible()).resolves.toBe(true);

    await page.getByRole('link', { name: fr.login.create_account }).click();
    await page.getByRole('heading', { level: 1, name: fr.register.title }).waitFor();
    await page.getByLabel(fr.register.given_name, { exact: true }).fill('Louise');
    await page.getByLabel(fr.register.family_name, { exact: true }).fill('Labé');
    await page.getByLabel(fr.register.email, { exact: true }).fill('louise.labe@example.org');
    await page.getByLabel(fr.register.password, { exact: true }).fill('sonnets de la belle cordière');
    await page.getByRole('button', { name: fr.register.submit }).click();
    await followRegistrationMail(page, world.server, 'louise.labe@example.org', fr);

    await page.getByRole('heading', { level: 1, name: fr.consent.title }).waitFor();
    await page.getByRole('button', { name: fr.consent.allow }).click();

    const query = await backOnSite(page, world.site);
    expect(query.get('state')).toBe(attempt.state);
    expect(query.get('code')).toEqual(expect.any(String));
    expect(query.has('error')).toBe(false);
    expect(world.site.callbacks.map((received) => received.get('code'))).toEqual([query.get('code')]);

    const tokens = await exchange(world.config, attempt, page.url());
    const idToken = tokens.claims()!;
    expect(idToken).toMatchObject({ iss: world.server.issuer, aud: world.client.clientId, email: 'louise.labe@example.org' });
    const userinfo = await oidc.fetchUserInfo(world.config, tokens.access_token, idToken.sub);
    expect(userinfo).toMatchObject({ email: 'louise.labe@example.org', given_name: 'Louise', family_name: 'Labé' });
  });
});
