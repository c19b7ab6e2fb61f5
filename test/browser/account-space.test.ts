import { aCommune } from '../support/builders.js';
import { exchange, oidc, startAuthorization } from '../support/relying-party.js';
import { accountMessages, createAccountFromLoginPage, fill, statusText, waitForMail } from './account-support.js';
import { backOnSite, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = accountMessages('fr');
const en = accountMessages('en');
/** The browser world, and a second commune the profile can choose. */
const world = useWorld(async () => {
  const started = await startBrowserWorld();
  await aCommune(started.server.registry, { name: 'Vaulx-en-Velin' });
  return started;
});

describe('a citizen runs their own account, in a real browser', () => {
  it('registers at a commune site, verifies the email from the mail, edits the profile, removes the site, and the site’s refresh token dies', async () => {
    const email = 'olympe.de.gouges@example.org';
    const attempt = await startAuthorization(world.config, world.client);
    const page = await world.newPage();

    // Registration at the commune site, confirmed by the link mailed to the address (only its button uses
    // the link): the site gets a code, and a refresh token with it, and reads the email as verified.
    await page.goto(attempt.url);
    await createAccountFromLoginPage(
      page,
      world.server,
      { givenName: 'Olympe', familyName: 'de Gouges', email, password: 'déclaration des droits de la femme' },
      fr,
    );
    await backOnSite(page, world.site);
    const tokens = await exchange(world.config, attempt, page.url());
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(await oidc.fetchUserInfo(world.config, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
      email,
      email_verified: true,
    });
    const verification = await waitForMail(world.server, email, fr.mail['verify-email'].subject);
    expect(new URL(verification.link!).origin).toBe(world.server.issuer);

    // The site keeps the verified email at its refresh, and the rotated refresh token.
    const refreshed = await oidc.refreshTokenGrant(world.config, tokens.refresh_token!);
    expect(await oidc.fetchUserInfo(world.config, refreshed.access_token, tokens.claims()!.sub)).toMatchObject({
      email,
      email_verified: true,
    });
    const refreshToken = refreshed.refresh_token ?? tokens.refresh_token!;

    // The account space, reached with the session opened at the commune site.
    await page.goto(`${world.server.issuer}/account`);
    await page.getByRole('heading', { level: 1, name: fr.account.profile.title, exact: true }).waitFor();
    expect(await page.getByText(fill(fr.account.unverified, { email })).count()).toBe(0);
    await page.getByLabel(fr.account.profile.given_name, { exact: true }).fill('Marie');
    await page.getByLabel(fr.account.profile.phone, { exact: true }).fill('06 12 34 56 78');
    await page.getByLabel(fr.account.profile.commune, { exact: true }).selectOption({ label: 'Vaulx-en-Velin' });
    await page.getByLabel(fr.account.profile.locale, { exact: true }).selectOption({ label: 'English' });
    await page.getByRole('button', { name: fr.account.profile.save, exact: true }).click();

    // Saved, and from now on the account space speaks the chosen language.
    await page.getByRole('heading', { level: 1, name: en.account.profile.title, exact: true }).waitFor();
    expect(await statusText(page)).toBe(en.account.saved);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    expect({
      givenName: await page.getByLabel(en.account.profile.given_name, { exact: true }).inputValue(),
      familyName: await page.getByLabel(en.account.profile.family_name, { exact: true }).inputValue(),
      phone: await page.getByLabel(en.account.profile.phone, { exact: true }).inputValue(),
      commune: await page.getByLabel(en.account.profile.commune, { exact: true }).locator('option:checked').innerText(),
      language: await page.getByLabel(en.account.profile.locale, { exact: true }).locator('option:checked').innerText(),
    }).toEqual({ givenName: 'Marie', familyName: 'de Gouges', phone: '06 12 34 56 78', commune: 'Vaulx-en-Velin', language: 'English' });

    // Connected services: the commune site is listed, and its access is removed.
    await page
      .getByRole('navigation', { name: en.account.nav_label })
      .getByRole('link', { name: en.account.nav.services, exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: en.account.nav.services, exact: true }).waitFor();
    const siteCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'villeurbanne.fr', exact: true }) });
    expect(await siteCard.innerText()).toContain('Villeurbanne');
    await siteCard.getByRole('button', { name: `${en.account.services.revoke} — villeurbanne.fr`, exact: true }).click();

    expect(await statusText(page)).toBe(fill(en.account.services.revoked, { client: 'villeurbanne.fr' }));
    expect(await page.getByText(en.account.services.empty, { exact: true }).isVisible()).toBe(true);
    await expect(oidc.refreshTokenGrant(world.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
