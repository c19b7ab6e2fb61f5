// A FranceConnect link to an account with an authenticator app, end to end with the stand-in and a commune site
// (openid-client): after the password or the mailed code, the account's second factor is asked at the sign-in's own
// step, and the link is written only when that step succeeds. As the attacker: stopping at that step, or typing a
// wrong code there (counted by the second factors' throttle), leaves no link.
import { findFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { withFranceConnect } from '../support/franceconnect.js';
import { mailsTo } from '../support/outbox.js';
import { discover, exchange, startAuthorization } from '../support/relying-party.js';
import { isSecondFactorPage, TestAuthenticator } from '../support/second-factor.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  withFranceConnect((env) => anOidcWorld({ communes: ['bron'], clients: { site: { isFirstParty: true } }, env })),
);

const formIndexOf = (page: Page, suffix: string) => formsOf(page.html).findIndex((form) => form.action.endsWith(suffix));
const linkedAccountOf = async (sub: string) => (await findFederatedIdentity(world.server.pool, 'franceconnect', sub))?.accountId;

let citizens = 0;
/** An account with an authenticator app, its app and its recovery codes. */
async function anAccountWithApp(): Promise<{ account: TestAccount; app: TestAuthenticator; recoveryCodes: string[] }> {
  const account = await anAccount(world.server.accounts);
  const started = await world.server.factors.startTotp(account.id, account.email);
  const app = new TestAuthenticator(started!.secret);
  const recoveryCodes = await app.enrolWith((code) => world.server.factors.confirmTotp(account.id, code));
  if (!recoveryCodes) throw new Error('the app was not confirmed');
  return { account, app, recoveryCodes };
}

/** From the commune site to our link page, FranceConnect answering an identity with `email` at `acr`. */
async function linkPageFor(email: string, acr = 'eidas1') {
  const agent = new UserAgent(world.server.issuer);
  const config = await discover(agent.issuer, world.site);
  const attempt = await startAuthorization(config, world.site);
  const login = await agent.navigate(attempt.url);
  if (!isPage(login)) throw new Error('expected the login page');
  citizens += 1;
  const sub = `fc-2fa-${citizens}-${Date.now()}`;
  world.franceConnect.addCitizen({ sub, claims: { given_name: 'Léa', family_name: 'MARTIN', birthdate: '1980-01-02', email } });
  world.franceConnect.decide({ signIn: sub, acr });
  const left = await agent.submit(login, {}, formIndexOf(login, '/franceconnect'));
  if (isPage(left)) throw new Error('expected FranceConnect');
  const link = await agent.navigate(await world.franceConnect.follow(left.leftTo));
  if (!isPage(link) || !link.url.endsWith('/franceconnect/link')) throw new Error('expected the link page');
  return { agent, config, attempt, sub, link };
}

async function secondFactorAfterPassword(account: TestAccount, acr = 'eidas1') {
  const flow = await linkPageFor(account.email, acr);
  const step = await flow.agent.submit(flow.link, { password: account.password }, formIndexOf(flow.link, '/franceconnect/link'));
  if (!isPage(step) || !isSecondFactorPage(step)) throw new Error('expected the second-factor page');
  return { ...flow, step };
}

const typeSecondFactor = (agent: UserAgent, step: Page, code: string) => agent.submit(step, { code }, formIndexOf(step, '/second-factor'));

describe('linking FranceConnect to an account with a second factor', () => {
  it('links after the password and a right app code, and the site gets its code with pwd, fc and otp', async () => {
    const { account, app } = await anAccountWithApp();
    const { agent, config, attempt, sub, step } = await secondFactorAfterPassword(account);
    expect(await linkedAccountOf(sub)).toBeUndefined();
    const done = await typeSecondFactor(agent, step, app.code());
    if (isPage(done)) throw new Error(`expected the site, got ${done.status}`);
    const tokens = await exchange(config, attempt, done.leftTo);
    expect(tokens.claims()?.amr).toEqual(['pwd', 'fc', 'otp', 'mfa']);
    expect(await linkedAccountOf(sub)).toBe(account.id);
  });

  it('leaves no link when the citizen stops at the second-factor page, even at eidas2', async () => {
    const { account } = await anAccountWithApp();
    const { sub } = await secondFactorAfterPassword(account, 'eidas2');
    expect(await linkedAccountOf(sub)).toBeUndefined();
    // A fresh browser's FranceConnect sign-in of that identity meets the link page again, not the account.
    const again = await linkPageFor(account.email, 'eidas2');
    expect(again.link.url).toMatch(/\/franceconnect\/link$/);
  });

  it('refuses a wrong app code, links nothing, and counts it with the second factors’ throttle', async () => {
    const { account } = await anAccountWithApp();
    const { agent, sub, step } = await secondFactorAfterPassword(account);
    let page = step;
    const statuses: number[] = [];
    for (let tries = 0; tries < 30 && !statuses.includes(429); tries += 1) {
      const refused = await typeSecondFactor(agent, page, '000000');
      if (!isPage(refused)) throw new Error('a wrong code signed in');
      statuses.push(refused.status);
      page = refused;
    }
    expect(statuses[0]).toBe(401);
    expect(statuses).toContain(429);
    expect(await linkedAccountOf(sub)).toBeUndefined();
    const history = await world.server.accounts.securityHistory(account.id);
    expect(history.map((event) => event.kind)).toContain('second_factor_failed');
  });

  it('links after the mailed code and a right app code, with fc and otp', async () => {
    const { account, app } = await anAccountWithApp();
    const { agent, config, attempt, sub, link } = await linkPageFor(account.email);
    const before = (await mailsTo(world.server, account.email)).length;
    const form = await agent.submit(link, {}, formIndexOf(link, '/link/code'));
    if (!isPage(form)) throw new Error('expected the code page');
    const mails = await mailsTo(world.server, account.email);
    expect(mails).toHaveLength(before + 1);
    const code = /\b(\d{8})\b/.exec(mails.at(-1)!.raw)?.[1] ?? '';
    const step = await agent.submit(form, { code }, formIndexOf(form, '/link/code/check'));
    if (!isPage(step) || !isSecondFactorPage(step)) throw new Error('expected the second-factor page');
    expect(await linkedAccountOf(sub)).toBeUndefined();
    const done = await typeSecondFactor(agent, step, app.code());
    if (isPage(done)) throw new Error(`expected the site, got ${done.status}`);
    expect((await exchange(config, attempt, done.leftTo)).claims()?.amr).toEqual(['fc', 'otp', 'mfa']);
    expect(await linkedAccountOf(sub)).toBe(account.id);
  });

  it('takes a recovery code as the second factor, as the sign-in does', async () => {
    const { account, recoveryCodes } = await anAccountWithApp();
    const { agent, config, attempt, sub, step } = await secondFactorAfterPassword(account);
    const done = await typeSecondFactor(agent, step, recoveryCodes[0]!);
    if (isPage(done)) throw new Error(`expected the site, got ${done.status}`);
    expect((await exchange(config, attempt, done.leftTo)).claims()?.amr).toEqual(['pwd', 'fc', 'otp', 'mfa']);
    expect(await linkedAccountOf(sub)).toBe(account.id);
  });
});
