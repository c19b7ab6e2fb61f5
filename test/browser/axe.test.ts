// axe-core in Chromium, WCAG 2.1 A and AA rules, on the citizen's pages in French and English, on a desktop
// and a phone's width: zero violations. axe is evaluated through the DevTools protocol, which the pages' CSP
// (no inline script) does not govern; the pages themselves are served exactly as to a citizen.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { anAccount } from '../support/builders.js';
import { aPng } from '../support/images.js';
import { startAuthorization } from '../support/relying-party.js';
import { useWorld } from '../support/world.js';
import { backOnSite, logIn, messages, startBrowserWorld } from './support.js';

const world = useWorld(startBrowserWorld);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

async function violationsOf(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  );
  return violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const WIDTHS = [1280, 375];

/** The commune of the world's site wears a face (name, logo, colour, help contact): its pages are checked with it. */
beforeAll(async () => {
  await world.server.registry.setCommuneIdentity(world.client.commune, {
    displayName: 'Ville de Villeurbanne',
    mainColor: '#0B4F9C',
    websiteUrl: 'https://www.villeurbanne.fr/',
    privacyUrl: 'https://www.villeurbanne.fr/donnees-personnelles',
    helpContact: 'Accueil de la mairie, 04 78 03 67 67',
  });
  await world.server.registry.setCommuneLogo(world.client.commune, aPng(32, 32));
});
const LOCALES = ['fr', 'en'] as const;
const PUBLIC_PATHS = [
  '/',
  '/accessibilite',
  '/mentions-legales',
  '/donnees-personnelles',
  '/aide',
  '/account/password/forgot',
  '/account/recover',
];

describe('axe-core finds no WCAG 2.1 A or AA violation', () => {
  it('does find one where there is one (an unlabelled input, text below 4.5:1)', async () => {
    const page = await world.newPage();
    await page.setContent(
      '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main><input type="text"><p style="color:#bbb">gris</p></main></body></html>',
    );
    const found = await violationsOf(page);
    expect(found.map((line) => line.split(' ')[0])).toEqual(expect.arrayContaining(['label', 'color-contrast']));
  });

  describe.each(LOCALES)('in %s', (locale) => {
    it.each(WIDTHS)('on the public pages at %i px', async (width) => {
      const page = await world.newPage({ viewport: { width, height: 900 } });
      for (const path of PUBLIC_PATHS) {
        await page.goto(`${world.server.issuer}${path}?ui_locales=${locale}`);
        expect({ path, violations: await violationsOf(page) }).toEqual({ path, violations: [] });
      }
    });

    it.each(WIDTHS)('on the login, account, security and app set-up pages at %i px', async (width) => {
      const page = await world.newPage({ viewport: { width, height: 900 } });
      const attempt = await startAuthorization(world.config, world.client, { ui_locales: locale });
      await page.goto(attempt.url);
      expect({ at: 'login', violations: await violationsOf(page) }).toEqual({ at: 'login', violations: [] });

      const citizen = await anAccount(world.server.accounts);
      await page.goto(`${world.server.issuer}/account?ui_locales=${locale}`);
      await logIn(page, citizen, messages(locale));
      await page.waitForURL(/\/account$/);
      for (const path of ['/account', '/account/security']) {
        await page.goto(`${world.server.issuer}${path}?ui_locales=${locale}`);
        expect({ path, violations: await violationsOf(page) }).toEqual({ path, violations: [] });
      }
      await page
        .getByRole('button', { name: locale === 'fr' ? 'Configurer une application d’authentification' : 'Set up an authenticator app' })
        .click();
      await page.waitForURL(/\/account\/security\/totp$/);
      expect({ at: 'enrolment', violations: await violationsOf(page) }).toEqual({ at: 'enrolment', violations: [] });
    });

    it.each(WIDTHS)('on the consent, logout and error pages of a commune’s site, wearing its face, at %i px', async (width) => {
      const page = await world.newPage({ viewport: { width, height: 900 } });
      const text = messages(locale);
      await page.goto((await startAuthorization(world.config, world.client, { ui_locales: locale })).url);
      await logIn(page, await anAccount(world.server.accounts), text);
      await page.getByRole('heading', { level: 1, name: text.consent.title, exact: true }).waitFor();
      expect({ at: 'consent', violations: await violationsOf(page) }).toEqual({ at: 'consent', violations: [] });
      await page.getByRole('button', { name: text.consent.allow, exact: true }).click();
      await backOnSite(page, world.site);

      await page.goto(`${world.server.issuer}/session/end?client_id=${world.client.clientId}&ui_locales=${locale}`);
      await page.locator('.commune-logo').waitFor();
      expect({ at: 'logout', violations: await violationsOf(page) }).toEqual({ at: 'logout', violations: [] });

      const refused = await startAuthorization(
        world.config,
        { ...world.client, redirectUri: 'https://evil.example/cb' },
        { ui_locales: locale },
      );
      await page.goto(refused.url);
      await page.locator('.error-code').waitFor();
      await page.locator('.commune-logo').waitFor();
      expect({ at: 'error', violations: await violationsOf(page) }).toEqual({ at: 'error', violations: [] });
    });
  });
});
