// The account space as a citizen drives it: signed in with the provider's own session, its pages and
// their forms, and mail that is sent after the page answered.
import { mailsTo, type ReceivedMail } from './outbox.js';
import type { TestServer } from './server.js';
import { formsOf, isPage, UserAgent, type Page } from './user-agent.js';

export async function pageAt(agent: UserAgent, url: string): Promise<Page> {
  const result = await agent.navigate(url);
  if (!isPage(result)) throw new Error(`expected a page at ${url}, went to ${result.leftTo}`);
  return result;
}

/** Whether the browser was sent to the provider's login form. */
export function isLoginPage(result: Page | { leftTo: string }): boolean {
  return (
    isPage(result) &&
    /<input[^>]*name="password"[^>]*autocomplete="current-password"/.test(result.html) &&
    result.url.includes('/interaction/')
  );
}

/** A browser signed in to /account: /account sends it to the login page, and the login brings it back. */
export async function signedIn(
  issuer: string,
  credentials: { email: string; password: string; secondFactor?: () => string },
  agent = new UserAgent(issuer),
): Promise<UserAgent> {
  const login = await pageAt(agent, '/account');
  if (!isLoginPage(login)) throw new Error(`expected the login page, got ${login.url}`);
  let home = await agent.submit(login, { email: credentials.email, password: credentials.password });
  if (isPage(home) && home.url.includes('/second-factor') && credentials.secondFactor) {
    home = await agent.submit(home, { code: credentials.secondFactor() });
  }
  if (!isPage(home) || !home.url.endsWith('/account')) {
    throw new Error(`the login did not lead back to /account: ${isPage(home) ? `${home.status} ${home.url}` : home.leftTo}`);
  }
  return agent;
}

/** The CSRF token the page's forms carry, as a hand-made form would copy it. */
export function csrfOf(page: Page): string {
  const token = formsOf(page.html)
    .map((form) => form.fields._csrf)
    .find((value) => value !== undefined);
  if (token === undefined) throw new Error(`no CSRF token on ${page.url}`);
  return token;
}

/** The index of the form posting to `action` (the account pages carry several forms). */
export function formIndex(page: Page, action: string): number {
  const index = formsOf(page.html).findIndex((form) => form.action === action);
  if (index < 0) throw new Error(`no form posting to ${action} on ${page.url}`);
  return index;
}

export function submitTo(agent: UserAgent, page: Page, action: string, fields: Record<string, string>) {
  return agent.submit(page, fields, formIndex(page, action));
}

/** The mails to `to` once `count` of them have arrived (some are queued after the page answered). */
export async function mailsArrived(server: Pick<TestServer, 'mailer' | 'dataDir'>, to: string, count = 1): Promise<ReceivedMail[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const mails = await mailsTo(server, to);
    if (mails.length >= count) return mails;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${count} mail(s) to ${to}, got ${(await mailsTo(server, to)).length}`);
}

/**
 * After the registration form answered "check your mailbox": follows the link mailed to `email` in the
 * same browser and presses its button; the authorization flow that sent the citizen goes on from there.
 */
export async function confirmRegistration(
  server: Pick<TestServer, 'mailer' | 'dataDir'>,
  agent: UserAgent,
  email: string,
): Promise<Page | { leftTo: string }> {
  return agent.submit(await pageAt(agent, await newestRegistrationLink(server, email)), {});
}

/** The link of this registration: the newest one mailed to `email` that still opens (an address may register again). */
export async function newestRegistrationLink(server: Pick<TestServer, 'mailer' | 'dataDir'>, email: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const link = (await mailsTo(server, email))
      .map((mail) => mail.link)
      .filter((l) => l?.includes('/interaction/'))
      .at(-1);
    if (link && (await fetch(link)).status === 200) return link;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no usable registration link reached ${email}`);
}

/**
 * A page as two attempts compare: its status and its markup without what differs between them by design,
 * the text typed (an address) and the random words (the interaction's id, the form token).
 */
export function comparable(page: Page, typed: string[] = []): { status: number; html: string } {
  const html = typed.reduce((markup, text) => markup.replaceAll(text, 'TYPED'), page.html);
  return { status: page.status, html: html.replace(/[\w-]{20,}/g, 'ID') };
}

/** The text of a page without its markup, for reading messages. */
export function textOf(page: Page): string {
  return page.html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
}
