// A relying party as a commune site runs it: openid-client against our discovery document.
import * as oidc from 'openid-client';
import { confirmRegistration, isLoginPage, pageAt } from './account-space.js';
import { A_PASSWORD, type TestClient } from './builders.js';
import type { TestServer } from './server.js';
import { isPage, UserAgent, type Page } from './user-agent.js';

/** What a citizen types at the login form. */
export interface Credentials {
  email: string;
  password: string;
  /** A fresh code (an app's or a recovery code) each call, when the account has a second factor. */
  secondFactor?: () => string;
}

export interface AuthorizationAttempt {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** Authenticates the way our clients are registered: client_secret_basic (openid-client would post the secret). */
export async function discover(issuer: string, client: TestClient): Promise<oidc.Configuration> {
  const authentication = client.clientSecret ? oidc.ClientSecretBasic(client.clientSecret) : oidc.None();
  return oidc.discovery(new URL(issuer), client.clientId, client.clientSecret, authentication, {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test world serves its issuer over plain http on localhost
    execute: [oidc.allowInsecureRequests],
  });
}

export async function startAuthorization(
  config: oidc.Configuration,
  client: TestClient,
  extra: Record<string, string> = {},
): Promise<AuthorizationAttempt> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.toString(), verifier, state, nonce };
}

/** Drives the pages like a citizen: logs in if asked, allows consent if asked; answers the callback URL. */
export async function signIn(agent: UserAgent, attempt: AuthorizationAttempt, credentials?: Credentials): Promise<string> {
  let result = await agent.navigate(attempt.url);
  for (let step = 0; step < 6 && isPage(result); step++) {
    const page: Page = result;
    if (page.url.includes('/second-factor') && page.html.includes('autocomplete="one-time-code"')) {
      if (!credentials?.secondFactor) throw new Error('asked for a second factor without one');
      result = await agent.submit(page, { code: credentials.secondFactor() });
    } else if (page.html.includes('name="password"')) {
      if (!credentials) throw new Error('asked to log in without credentials');
      result = await agent.submit(page, { email: credentials.email, password: credentials.password });
    } else if (page.html.includes('value="allow"')) {
      result = await agent.submit(page, { decision: 'allow' });
    } else {
      throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    }
  }
  if (isPage(result)) throw new Error('the flow did not return to the relying party');
  return result.leftTo;
}

/** Redeems the code of `callbackUrl`; `parameters` go to the token endpoint too (a `resource`). */
export async function exchange(
  config: oidc.Configuration,
  attempt: AuthorizationAttempt,
  callbackUrl: string,
  parameters?: Record<string, string>,
) {
  return oidc.authorizationCodeGrant(
    config,
    new URL(callbackUrl),
    {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
    },
    parameters,
  );
}

/**
 * The whole code flow at `site` as its citizen runs it in `agent` (logging in if asked, allowing consent if
 * asked); answers the site's configuration, the attempt, the callback URL and the tokens it redeemed.
 */
export async function signInAt(site: TestClient, agent: UserAgent, credentials?: Credentials, extra: Record<string, string> = {}) {
  const config = await discover(agent.issuer, site);
  const attempt = await startAuthorization(config, site, extra);
  const callback = await signIn(agent, attempt, credentials);
  const tokens = await exchange(config, attempt, callback);
  return { config, attempt, callback, tokens };
}

/** The login page that a fresh authorization at `site` shows in `agent` (which holds no session there). */
export async function loginPageAt(site: TestClient, agent: UserAgent, extra: Record<string, string> = {}): Promise<Page> {
  const page = await pageAt(agent, (await startAuthorization(await discover(agent.issuer, site), site, extra)).url);
  if (!isLoginPage(page)) throw new Error(`expected the login page, got ${page.status} ${page.url}`);
  return page;
}

/** The account creation page, through the "create an account" link of the login page `login`. */
export async function registrationPageFrom(agent: UserAgent, login: Page): Promise<Page> {
  const href = /href="([^"]*\/register)"/.exec(login.html)?.[1];
  if (!href) throw new Error(`no link to create an account on ${login.url}`);
  return pageAt(agent, new URL(href.replace(/&amp;/g, '&'), login.url).toString());
}

/** Who registers through the pages. */
export interface Newcomer {
  email: string;
  password?: string;
  givenName?: string;
  familyName?: string;
}

/**
 * A newcomer creates an account from `site`'s login page in `agent`, follows the link mailed to confirm it
 * (in the same browser), allows consent if asked; answers the site's configuration and the tokens it redeemed.
 */
export async function registerAt(server: Pick<TestServer, 'mailer' | 'dataDir'>, site: TestClient, agent: UserAgent, newcomer: Newcomer) {
  const config = await discover(agent.issuer, site);
  const attempt = await startAuthorization(config, site);
  const register = await registrationPageFrom(agent, await pageAt(agent, attempt.url));
  await agent.submit(register, {
    given_name: newcomer.givenName ?? 'Nora',
    family_name: newcomer.familyName ?? 'Saïdi',
    email: newcomer.email,
    password: newcomer.password ?? A_PASSWORD,
  });
  let result = await confirmRegistration(server, agent, newcomer.email);
  if (isPage(result) && result.html.includes('value="allow"')) result = await agent.submit(result, { decision: 'allow' });
  if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}`);
  return { config, tokens: await exchange(config, attempt, result.leftTo) };
}

export { oidc };
