// Passkeys in a real Chromium with a CDP virtual authenticator (a platform authenticator that verifies its
// user): registered in /account, used alone at a commune site, whose ID token says so; a tampered assertion
// is refused with a page; then removed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import { anAccount } from '../support/builders.js';
import { exchange, startAuthorization } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';
import { statusText } from './account-support.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);
const text = messages('fr');
const { passkeys: fr, logout } = JSON.parse(readFileSync(join(findProjectRoot(), 'src', 'views', 'locales', 'fr.json'), 'utf8')) as {
  passkeys: Record<string, string>;
  logout: Record<string, string>;
};

/** A platform authenticator holding discoverable credentials and verifying its user, attached to the page. */
async function withVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Makes the page's next form submission carry an answer whose signature was altered after the device signed it. */
async function tamperNextAnswer(page: Page): Promise<void> {
  // A string: the test project has no DOM types, and CDP's evaluation is not bound by the page's CSP.
  await page.evaluate(`(() => {
    const original = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function () {
      const field = this.querySelector('input[name=response]');
      const answer = JSON.parse(field.value);
      const signature = answer.response.signature;
      answer.response.signature = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
      field.value = JSON.stringify(answer);
      HTMLFormElement.prototype.submit = original;
      original.call(this);
    };
  })()`);
}

const passkeyButton = (page: Page) => page.getByRole('button', { name: fr.sign_in, exact: true });

describe('passkeys in a real browser', () => {
  it('registers a passkey in /account, signs in with it alone at a site (hwk or swk, two factors), refuses a tampered one, and removes it', async () => {
    const citizen = await anAccount(world.server.accounts);
    const page = await world.newPage();
    // The virtual authenticator answers an autofill (conditional) request at once, as if the person had picked
    // the passkey: turned off here, so that this test drives the button; the next one drives the autofill.
    await page.addInitScript('PublicKeyCredential.isConditionalMediationAvailable = async () => false;');
    await withVirtualAuthenticator(page);

    // Registration in the account's security section, signed in with the password.
    await page.goto(`${world.server.issuer}/account`);
    await logIn(page, citizen, text);
    await page.waitForURL(`${world.server.issuer}/account`);
    await page.goto(`${world.server.issuer}/account/security`);
    await page.getByLabel(fr.name!, { exact: true }).fill('Téléphone de Jeanne');
    await page.getByRole('button', { name: fr.add, exact: true }).click();
    await page.waitForURL(/\/account\/security\?passkey=added$/);
    expect(await statusText(page)).toContain(fr.added);
    const item = page.locator('li', { hasText: 'Téléphone de Jeanne' });
    await expect(item.innerText()).resolves.toMatch(/Ajoutée le .*\d{4}/);
    await expect(item.innerText()).resolves.toContain(fr.never_used);

    // Signed out of the provider.
    await page.goto(`${world.server.issuer}/account/logout`);
    await page.getByRole('button', { name: logout.yes, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: logout.done_title, exact: true }).waitFor();

    // At the site: the email input offers passkeys in autofill; a tampered answer is refused with a page.
    const attempt = await startAuthorization(world.config, world.client);
    await page.goto(attempt.url);
    expect(await page.getByLabel(text.login.email, { exact: true }).getAttribute('autocomplete')).toBe('username webauthn');
    await tamperNextAnswer(page);
    const refusal = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/passkey'));
    await passkeyButton(page).click();
    expect((await refusal).status()).toBe(401);
    await page.getByRole('heading', { level: 1, name: fr.refused_title, exact: true }).waitFor();
    expect(await page.locator('main').innerText()).toContain(fr.refused);

    // Back to the login page: the passkey alone signs in.
    await page.getByRole('link', { name: fr.back_to_login, exact: true }).click();
    await passkeyButton(page).click();
    const allow = page.getByRole('button', { name: text.consent.allow, exact: true });
    await Promise.race([allow.click(), page.waitForURL((url) => url.href.startsWith(world.site.redirectUri))]);
    await backOnSite(page, world.site);
    const claims = (await exchange(world.config, attempt, page.url())).claims();
    expect(claims?.acr).toBe('urn:grandlyonconnect:acr:2fa');
    const amr = (claims?.amr ?? []) as string[];
    expect(amr).toEqual(expect.arrayContaining(['user', 'mfa']));
    expect(amr.some((method) => method === 'hwk' || method === 'swk')).toBe(true);

    // Back in /account (the session of the passkey sign-in): the last use is listed, then the passkey removed.
    await page.goto(`${world.server.issuer}/account/security`);
    await expect(page.locator('li', { hasText: 'Téléphone de Jeanne' }).innerText()).resolves.toMatch(/Dernière utilisation le .*\d{4}/);
    await page.getByRole('button', { name: `${fr.remove} — Téléphone de Jeanne`, exact: true }).click();
    await page.waitForURL(/\/account\/security\?passkey=removed$/);
    expect(await statusText(page)).toContain(fr.removed);
    expect(await page.locator('li', { hasText: 'Téléphone de Jeanne' }).count()).toBe(0);
  });

  it('offers the passkey in the email field’s autofill (conditional UI), which signs in without the button', async () => {
    const citizen = await anAccount(world.server.accounts);
    const page = await world.newPage();
    await withVirtualAuthenticator(page);
    await page.goto(`${world.server.issuer}/account`);
    await logIn(page, citizen, text);
    await page.waitForURL(`${world.server.issuer}/account`);
    await page.goto(`${world.server.issuer}/account/security`);
    await page.getByLabel(fr.name!, { exact: true }).fill('Ordinateur');
    await page.getByRole('button', { name: fr.add, exact: true }).click();
    await page.waitForURL(/\/account\/security\?passkey=added$/);
    await page.goto(`${world.server.issuer}/account/logout`);
    await page.getByRole('button', { name: logout.yes, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: logout.done_title, exact: true }).waitFor();

    const attempt = await startAuthorization(world.config, world.client);
    await page.goto(attempt.url);
    const allow = page.getByRole('button', { name: text.consent.allow, exact: true });
    await Promise.race([allow.click(), page.waitForURL((url) => url.href.startsWith(world.site.redirectUri))]);
    await backOnSite(page, world.site);
    expect((await exchange(world.config, attempt, page.url())).claims()?.acr).toBe('urn:grandlyonconnect:acr:2fa');
  });
});
