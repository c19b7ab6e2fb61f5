import type { Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import { exchange, startAuthorization } from '../support/relying-party.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';
import { useWorld } from '../support/world.js';

const fr = messages('fr');
const world = useWorld(startBrowserWorld);

/** What has the keyboard focus, described as a person would point at it. */
async function focused(page: Page): Promise<string> {
  const element = page.locator(':focus');
  if ((await element.count()) !== 1) return 'nothing';
  if ((await page.locator('input:focus').count()) === 1) return `input ${await element.getAttribute('name')}`;
  const kind = (await page.locator('button:focus').count()) === 1 ? 'button' : 'other';
  return `${kind} ${(await element.innerText()).trim()}`;
}

describe('a wrong password', () => {
  it.each([
    ['fr', {}],
    ['en', { ui_locales: 'en' }],
  ] as const)(
    'is refused in the page’s language (%s), keeping the email and clearing the password, without leaving the provider',
    async (locale, params) => {
      const text = messages(locale);
      const citizen = await anAccount(world.server.accounts);
      const callbacksBefore = world.site.callbacks.length;
      const attempt = await startAuthorization(world.config, world.client, params);
      const page = await world.newPage();
      await page.goto(attempt.url);

      await logIn(page, { email: citizen.email, password: 'ce n’est pas le bon mot de passe' }, text);

      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain(text.login.invalid_credentials);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.getByLabel(text.login.email, { exact: true }).inputValue()).toBe(citizen.email);
      expect(await page.getByLabel(text.login.password, { exact: true }).inputValue()).toBe('');
      expect(new URL(page.url()).origin).toBe(world.server.issuer);
      expect(world.site.callbacks).toHaveLength(callbacksBefore);
    },
  );
});

describe('without JavaScript', () => {
  it('a citizen signs in and consents, and the site gets a code it can redeem', async () => {
    const citizen = await anAccount(world.server.accounts);
    const attempt = await startAuthorization(world.config, world.client);
    const page = await world.newPage({ javaScriptEnabled: false });
    await page.goto(attempt.url);

    await logIn(page, citizen);
    await page.getByRole('button', { name: fr.consent.allow, exact: true }).click();

    const query = await backOnSite(page, world.site);
    expect(query.get('state')).toBe(attempt.state);
    const tokens = await exchange(world.config, attempt, page.url());
    expect(tokens.claims()).toMatchObject({ iss: world.server.issuer, aud: world.client.clientId });
  });
});

describe('with the keyboard alone', () => {
  it('Tab goes from the top of the login page to the email, the password, its show-password button, then the submit button', async () => {
    const page = await world.newPage();
    await page.goto((await startAuthorization(world.config, world.client)).url);
    // Start sequential navigation at the top of the page, as after clicking its banner.
    await page.locator('header').click();

    const stops: string[] = [];
    for (let press = 0; press < 4; press++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }

    expect(stops).toEqual(['input email', 'input password', 'button Afficher le mot de passe', `button ${fr.login.submit}`]);
  });

  it('typing the credentials and pressing Enter signs in', async () => {
    const citizen = await anAccount(world.server.accounts);
    const page = await world.newPage();
    await page.goto((await startAuthorization(world.config, world.client)).url);
    await page.locator('header').click();

    await page.keyboard.press('Tab');
    await page.keyboard.type(citizen.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(citizen.password);
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 1, name: fr.consent.title, exact: true }).waitFor();
    expect(await page.locator('h1').innerText()).toBe(fr.consent.title);
  });

  it('on the consent page, Tab reaches the allow button and Enter takes the citizen back to the site with a code', async () => {
    const citizen = await anAccount(world.server.accounts);
    const page = await world.newPage();
    await page.goto((await startAuthorization(world.config, world.client)).url);
    await logIn(page, citizen);
    await page.getByRole('heading', { level: 1, name: fr.consent.title, exact: true }).waitFor();
    await page.locator('header').click();

    const stops: string[] = [];
    for (let press = 0; press < 30 && stops.at(-1) !== `button ${fr.consent.allow}`; press++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    expect(stops.at(-1)).toBe(`button ${fr.consent.allow}`);
    await page.keyboard.press('Enter');

    const query = await backOnSite(page, world.site);
    expect(query.get('code')).toBeTruthy();
  });
});
