import { aClient, type TestClient } from '../support/builders.js';
import { discover, exchange, oidc, startAuthorization } from '../support/relying-party.js';
import { accountMessages, createAccountFromLoginPage, statusText, waitForMail } from './account-support.js';
import { backOnSite, logIn, startBrowserWorld, type BrowserWorld } from './support.js';

const fr = accountMessages('fr');
let world: BrowserWorld;
// A site that sees the account's own identifier (public subject), the same whatever the commune.
let portal: TestClient;
let portalConfig: oidc.Configuration;

beforeAll(async () => {
  world = await startBrowserWorld();
  portal = await aClient(world.server.registry, world.client.commune, {
    name: 'portail.example.org',
    redirectUris: [world.site.redirectUri],
    subjectType: 'public',
  });
  portalConfig = await discover(world.server.issuer, portal);
}, 60_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before the world existed
  await world?.stop();
});

describe('a citizen deletes the account, in a real browser', () => {
  it('closes it after re-entering the password, can no longer sign in, and the same email registers again as a new account with a new sub', async () => {
    const citizen = {
      givenName: 'Lucie',
      familyName: 'Aubrac',
      email: 'lucie.aubrac@example.org',
      password: 'la résistance à Lyon en 1943',
    };
    const page = await world.newPage();
    const first = await startAuthorization(portalConfig, portal);
    await page.goto(first.url);
    await createAccountFromLoginPage(page, world.server, citizen, fr);
    await backOnSite(page, world.site);
    const firstSub = (await exchange(portalConfig, first, page.url())).claims()!.sub;

    await page.goto(`${world.server.issuer}/account/delete`);
    await page.getByRole('heading', { level: 1, name: fr.account.nav.delete, exact: true }).waitFor();
    await page.getByLabel(fr.account.delete.password, { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: fr.account.delete.button, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: fr.account.delete.done_title, exact: true }).waitFor();
    expect(await statusText(page)).toBe(fr.account.delete.done);
    await waitForMail(world.server, citizen.email, fr.mail['account-deleted'].subject);

    // Back at the site: the session is gone, and the old credentials open nothing.
    const second = await startAuthorization(portalConfig, portal);
    await page.goto(second.url);
    await page.getByRole('heading', { level: 1, name: fr.login.title, exact: true }).waitFor();
    await logIn(page, citizen);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(fr.login.invalid_credentials);

    await createAccountFromLoginPage(page, world.server, citizen, fr);
    const query = await backOnSite(page, world.site);
    expect(query.get('state')).toBe(second.state);
    const tokens = await exchange(portalConfig, second, page.url());
    const secondSub = tokens.claims()!.sub;
    expect(secondSub).toEqual(expect.any(String));
    expect(secondSub).not.toBe(firstSub);
    // A new account, whose address the link of its registration mail verified again.
    expect(await oidc.fetchUserInfo(portalConfig, tokens.access_token, secondSub)).toMatchObject({
      sub: secondSub,
      email: citizen.email,
      email_verified: true,
    });
  });
});
