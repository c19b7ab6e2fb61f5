// The operators' console in Chromium: an operator signs in by the labels a person reads (password, then the
// code of their authenticator app), and the console's own strings (src/views/locales/console*.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import type { Locale } from '../../src/locale.js';
import { secondFactorOf } from '../support/admin.js';
import type { TestAccount } from '../support/builders.js';
import type { TestServer } from '../support/server.js';
import { logIn, messages } from './support.js';

/** Every string of a language, as the pages read them (flattened keys: 'console.home.title'). */
export function allMessages(locale: Locale): Record<string, string> {
  const directory = join(findProjectRoot(), 'src', 'views', 'locales');
  const flat: Record<string, string> = {};
  const flatten = (tree: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(tree)) {
      if (typeof value === 'string') flat[`${prefix}${key}`] = value;
      else flatten(value as Record<string, unknown>, `${prefix}${key}.`);
    }
  };
  for (const file of readdirSync(directory).filter((name) => name === `${locale}.json` || name.endsWith(`.${locale}.json`))) {
    flatten(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Record<string, unknown>, '');
  }
  return flat;
}

/**
 * Opens `path` of the console in the browser and signs in as `account` (an operator with an authenticator app,
 * set up here if it has none): the password on the login page, then a code on the second-factor page.
 */
export async function signInToConsole(page: Page, server: TestServer, account: TestAccount, path = '/admin', locale: Locale = 'fr') {
  const secondFactor = await secondFactorOf(server, account.email);
  const text = allMessages(locale);
  await page.goto(`${server.issuer}${path}`);
  await logIn(page, account, messages(locale));
  await page.getByLabel(text['second_factor.code'] ?? '', { exact: true }).fill(secondFactor());
  await page.getByRole('button', { name: text['second_factor.submit'], exact: true }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/admin'));
}
