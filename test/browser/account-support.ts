// What the account-space browser tests share: the strings of the account pages, the mail a citizen
// waits for, account creation from a commune site, and the labels of a page's form controls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../../src/config.js';
import type { Locale } from '../../src/locale.js';
import { mailsTo, type ReceivedMail } from '../support/outbox.js';
import { exchange, oidc, startAuthorization } from '../support/relying-party.js';
import type { TestServer } from '../support/server.js';
import { backOnSite, followRegistrationMail, logIn, messages, type BrowserWorld, type Messages } from './support.js';

export const SECTIONS = ['profile', 'email', 'password', 'services', 'sessions', 'history', 'journal', 'export', 'delete'] as const;
export type Section = (typeof SECTIONS)[number];

/** The strings of the account pages, as src/views/locales reads them. */
export interface AccountMessages extends Messages {
  account: {
    title: string;
    saved: string;
    unverified: string;
    nav_label: string;
    nav: Record<Section | 'logout', string>;
    profile: Record<
      'title' | 'given_name' | 'family_name' | 'phone' | 'street' | 'postal_code' | 'locality' | 'commune' | 'locale' | 'save',
      string
    >;
    email: Record<'new' | 'password' | 'verify_title' | 'verify_button' | 'verified', string>;
    password: Record<
      'current' | 'new' | 'forgot_title' | 'forgot_submit' | 'forgot_sent' | 'reset_title' | 'reset_submit' | 'reset_done',
      string
    >;
    services: Record<'revoke' | 'revoked' | 'empty', string>;
    delete: Record<'password' | 'button' | 'done_title' | 'done', string>;
  };
  mail: Record<'verify-email' | 'reset-password' | 'account-deleted', { subject: string }>;
}

export function accountMessages(locale: Locale): AccountMessages {
  const all = JSON.parse(readFileSync(join(findProjectRoot(), 'src', 'views', 'locales', `${locale}.json`), 'utf8')) as AccountMessages;
  return { ...messages(locale), account: all.account, mail: all.mail };
}

/** Fills a message's {placeholders} the way the pages do. */
export const fill = (template: string, vars: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);

/**
 * Waits for the mail whose subject starts with `subject` to reach the outbox. Some mails are sent after the
 * page has answered (the forgotten-password one, so that the answer takes the same time whether or not the
 * account exists).
 */
export async function waitForMail(server: TestServer, to: string, subject: string): Promise<ReceivedMail> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const mail = (await mailsTo(server, to)).find((received) => received.subject.startsWith(subject));
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `no mail "${subject}" reached ${to}; the outbox holds: ${(await mailsTo(server, to)).map((m) => m.subject).join(' | ') || 'nothing'}`,
  );
}

/** From the login page in front of the browser: "Créer un compte", the form, the mailed link, then consent. */
export async function createAccountFromLoginPage(
  page: Page,
  server: TestServer,
  citizen: { givenName: string; familyName: string; email: string; password: string },
  text: AccountMessages,
): Promise<void> {
  await page.getByRole('link', { name: text.login.create_account, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.register.title, exact: true }).waitFor();
  await page.getByLabel(text.register.given_name, { exact: true }).fill(citizen.givenName);
  await page.getByLabel(text.register.family_name, { exact: true }).fill(citizen.familyName);
  await page.getByLabel(text.register.email, { exact: true }).fill(citizen.email);
  await page.getByLabel(text.register.password, { exact: true }).fill(citizen.password);
  await page.getByRole('button', { name: text.register.submit, exact: true }).click();
  await followRegistrationMail(page, server, citizen.email, text);
  await page.getByRole('heading', { level: 1, name: text.consent.title, exact: true }).waitFor();
  await page.getByRole('button', { name: text.consent.allow, exact: true }).click();
}

/** Every visible form control, by name, with the text of the <label for> pointing at its id ('' when there is none). */
export async function labelsOfVisibleControls(page: Page): Promise<Record<string, string>> {
  const labels: Record<string, string> = {};
  for (const control of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    if (!(await control.isVisible())) continue;
    const name = (await control.getAttribute('name')) ?? '(no name)';
    const id = await control.getAttribute('id');
    const label = id ? page.locator(`label[for="${id}"]`) : undefined;
    labels[name] = label && (await label.count()) === 1 ? (await label.innerText()).trim() : '';
  }
  return labels;
}

/** The text of the page's status notice (role=status), once it is shown. */
export async function statusText(page: Page): Promise<string> {
  const status = page.getByRole('status');
  await status.waitFor();
  return (await status.innerText()).trim();
}

/** What a citizen who forgot the password sees on the way, from a commune site's login page and back to it. */
export interface PasswordResetJourney {
  /** The forgotten-password page's answer to an email without an account, and to the citizen's. */
  answers: { unknownEmail: string; citizenEmail: string };
  mailsToUnknownEmail: number;
  resetPage: { lang: string | null; done: string };
  /** The login page's alert when the old password is typed after the reset. */
  oldPasswordRefusal: string;
  /** The email the commune site reads at userinfo after the citizen signed in with the new password. */
  siteReads: unknown;
}

/**
 * At a commune site's login page: "Mot de passe oublié ?", an unknown email then the citizen's, the link of the
 * mail, a new password; then a fresh sign-in at the site, first with the old password, then with the new one.
 */
export async function resetForgottenPassword(
  world: BrowserWorld,
  page: Page,
  citizen: { email: string; password: string },
  choices: { newPassword: string; unknownEmail: string },
): Promise<PasswordResetJourney> {
  const text = accountMessages('fr');
  const { newPassword, unknownEmail } = choices;
  await page.goto((await startAuthorization(world.config, world.client)).url);
  await page.getByRole('link', { name: text.login.forgot_password, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: text.account.password.forgot_title, exact: true }).waitFor();

  const answerTo = async (email: string) => {
    await page.getByLabel(text.login.email, { exact: true }).fill(email);
    await page.getByRole('button', { name: text.account.password.forgot_submit, exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: email });
    await status.waitFor();
    return (await status.innerText()).trim();
  };
  const answers = { unknownEmail: await answerTo(unknownEmail), citizenEmail: await answerTo(citizen.email) };

  const mail = await waitForMail(world.server, citizen.email, text.mail['reset-password'].subject);
  const mailsToUnknownEmail = (await mailsTo(world.server, unknownEmail)).length;
  await page.goto(mail.link!);
  await page.getByRole('heading', { level: 1, name: text.account.password.reset_title, exact: true }).waitFor();
  const lang = await page.locator('html').getAttribute('lang');
  await page.getByLabel(text.account.password.new, { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: text.account.password.reset_submit, exact: true }).click();
  const done = await statusText(page);

  const attempt = await startAuthorization(world.config, world.client);
  await page.goto(attempt.url);
  await logIn(page, citizen);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const oldPasswordRefusal = await alert.innerText();
  await logIn(page, { email: citizen.email, password: newPassword });
  await page.getByRole('heading', { level: 1, name: text.consent.title, exact: true }).waitFor();
  await page.getByRole('button', { name: text.consent.allow, exact: true }).click();
  await backOnSite(page, world.site);
  const tokens = await exchange(world.config, attempt, page.url());
  const siteReads = (await oidc.fetchUserInfo(world.config, tokens.access_token, tokens.claims()!.sub)).email;

  return { answers, mailsToUnknownEmail, resetPage: { lang, done }, oldPasswordRefusal, siteReads };
}
