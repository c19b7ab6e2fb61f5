// Two-step sign-in as commune sites and citizens meet it: an authenticator app set up in the flow a site
// started, its codes asked at every password sign-in, recovery codes, step-up from a one-factor session,
// max_age, and the ID token's acr, amr and auth_time as a real relying party (openid-client) reads them.
import { ACR_1FA, ACR_2FA } from '../../src/accounts/factors/index.js';
import { anAccount, type TestAccount } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, exchange, startAuthorization } from '../support/relying-party.js';
import { expectPage, isSecondFactorPage, recoveryCodesOn, TestAuthenticator } from '../support/second-factor.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';
import type { TestClient } from '../support/builders.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon'], clients: { site: { isFirstParty: true } }, accounts: { citizen: {} } }));

/** A fresh authorization at the site in `agent`; answers the attempt and the first page or redirect. */
async function authorize(agent: UserAgent, site: TestClient, extra: Record<string, string> = {}) {
  const config = await discover(world.server.issuer, site);
  const attempt = await startAuthorization(config, site, extra);
  return { config, attempt, first: await agent.navigate(attempt.url) };
}

async function tokensFrom(agent: UserAgent, flow: Awaited<ReturnType<typeof authorize>>, result: Page | { leftTo: string }) {
  if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}: ${result.html.slice(0, 400)}`);
  return exchange(flow.config, flow.attempt, result.leftTo);
}

/** The citizen sets up an app from the page that says the site needs two factors; answers the app and codes. */
async function enrolInFlow(agent: UserAgent, required: Page) {
  expect(required.html).toContain('deux étapes');
  const enrolment = await expectPage(await agent.submit(required, {}));
  const app = TestAuthenticator.fromPage(enrolment);
  expect(enrolment.html).toMatch(/<svg role="img" aria-label="[^"]+"/);
  const codesPage = await expectPage(await agent.submit(enrolment, { code: app.code() }));
  const codes = recoveryCodesOn(codesPage);
  return { app, codes, afterCodes: await agent.submit(codesPage, {}) };
}

async function passwordAt(agent: UserAgent, account: TestAccount, extra: Record<string, string> = {}) {
  const flow = await authorize(agent, world.site, extra);
  const login = await expectPage(flow.first);
  return { flow, after: await agent.submit(login, { email: account.email, password: account.password }) };
}

async function withApp(): Promise<{ account: TestAccount; app: TestAuthenticator; codes: string[] }> {
  const account = await anAccount(world.server.accounts);
  const started = await world.server.factors.startTotp(account.id, account.email);
  if (!started) throw new Error('enrolment refused');
  const app = new TestAuthenticator(started.secret);
  const codes = await app.enrolWith((code) => world.server.factors.confirmTotp(account.id, code));
  if (!codes) throw new Error('first code refused');
  return { account, app, codes };
}

describe('two-step sign-in', () => {
  it('advertises both levels in discovery', async () => {
    const document = (await (await fetch(`${world.server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(document.acr_values_supported).toEqual([ACR_1FA, ACR_2FA]);
  });

  it('sets up an app in the flow of a site asking two factors, and the ID token says pwd + otp', async () => {
    const agent = new UserAgent(world.server.issuer);
    const account = await anAccount(world.server.accounts);
    const { flow, after } = await passwordAt(agent, account, { acr_values: ACR_2FA });
    const { codes, afterCodes } = await enrolInFlow(agent, await expectPage(after));
    expect(codes).toHaveLength(10);
    const claims = (await tokensFrom(agent, flow, afterCodes)).claims();
    expect(claims?.acr).toBe(ACR_2FA);
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims?.auth_time).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('asks an enrolled citizen for a code after the password, even where one factor would do', async () => {
    const { account, app } = await withApp();
    const agent = new UserAgent(world.server.issuer);
    const { flow, after } = await passwordAt(agent, account);
    const step = await expectPage(after);
    expect(isSecondFactorPage(step)).toBe(true);
    const claims = (await tokensFrom(agent, flow, await agent.submit(step, { code: app.code() }))).claims();
    expect(claims?.acr).toBe(ACR_2FA);
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('refuses a code already accepted once (a replay), from another browser too', async () => {
    const { account, app } = await withApp();
    const code = app.code(1);
    const first = new UserAgent(world.server.issuer);
    const one = await passwordAt(first, account);
    await tokensFrom(first, one.flow, await first.submit(await expectPage(one.after), { code }));

    const second = new UserAgent(world.server.issuer);
    const two = await passwordAt(second, account);
    const response = await second.submitOnce(await expectPage(two.after), { code });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('déjà servi');
  });

  it('refuses a code of a step further than one away', async () => {
    const { account, app } = await withApp();
    const agent = new UserAgent(world.server.issuer);
    const { after } = await passwordAt(agent, account);
    const response = await agent.submitOnce(await expectPage(after), { code: app.code(3) });
    expect(response.status).toBe(401);
  });

  it('takes a recovery code once, and refuses it the second time', async () => {
    const { account, codes } = await withApp();
    const code = codes[0] ?? '';
    const agent = new UserAgent(world.server.issuer);
    const one = await passwordAt(agent, account);
    const claims = (
      await tokensFrom(agent, one.flow, await agent.submit(await expectPage(one.after), { code: code.toLowerCase() }))
    ).claims();
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);

    const again = new UserAgent(world.server.issuer);
    const two = await passwordAt(again, account);
    expect((await again.submitOnce(await expectPage(two.after), { code })).status).toBe(401);
    expect(await world.server.factors.summary(account.id)).toMatchObject({ recoveryCodes: { total: 10, remaining: 9 } });
  });

  it('steps up a one-factor session by asking only the second factor', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const one = await passwordAt(agent, account);
    const firstClaims = (await tokensFrom(agent, one.flow, one.after)).claims();
    expect(firstClaims?.acr).toBe(ACR_1FA);
    expect(firstClaims?.amr).toEqual(['pwd']);

    const started = await world.server.factors.startTotp(account.id, account.email);
    const app = new TestAuthenticator(started?.secret ?? '');
    await app.enrolWith((code) => world.server.factors.confirmTotp(account.id, code));

    const stepUp = await authorize(agent, world.site, { acr_values: ACR_2FA });
    const step = await expectPage(stepUp.first);
    expect(isSecondFactorPage(step)).toBe(true);
    expect(step.html).not.toContain('name="password"');
    const claims = (await tokensFrom(agent, stepUp, await agent.submit(step, { code: app.code() }))).claims();
    expect(claims?.acr).toBe(ACR_2FA);
    expect(claims?.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('asks the essential acr of the claims parameter like acr_values', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const claimsParameter = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_2FA] } } });
    const { after } = await passwordAt(agent, account, { claims: claimsParameter });
    expect((await expectPage(after)).html).toContain('deux étapes');
  });

  it('meets a one-factor request with a two-factor session without asking again', async () => {
    const { account, app } = await withApp();
    const agent = new UserAgent(world.server.issuer);
    const one = await passwordAt(agent, account);
    await tokensFrom(agent, one.flow, await agent.submit(await expectPage(one.after), { code: app.code() }));

    const claimsParameter = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_1FA] } } });
    const flow = await authorize(agent, world.site, { claims: claimsParameter });
    expect((await tokensFrom(agent, flow, flow.first)).claims()?.acr).toBe(ACR_2FA);
  });

  it('signs in anew for max_age=0 and prompt=login', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const one = await passwordAt(agent, account);
    await tokensFrom(agent, one.flow, one.after);
    for (const extra of [{ max_age: '0' }, { prompt: 'login' }] as Record<string, string>[]) {
      const flow = await authorize(agent, world.site, extra);
      expect((await expectPage(flow.first)).html).toContain('name="password"');
    }
  });

  it('answers login_required, not a page, to prompt=none when the session is one factor short', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const one = await passwordAt(agent, account);
    await tokensFrom(agent, one.flow, one.after);
    const flow = await authorize(agent, world.site, { prompt: 'none', acr_values: ACR_2FA });
    if (isPage(flow.first)) throw new Error('expected a redirect to the site');
    expect(new URL(flow.first.leftTo).searchParams.get('error')).toBe('login_required');
  });

  it('refuses the second-factor step without a password proved in that interaction', async () => {
    const agent = new UserAgent(world.server.issuer);
    const flow = await authorize(agent, world.site, { acr_values: ACR_2FA });
    const login = await expectPage(flow.first);
    const uid = /\/interaction\/([^/"]+)\//.exec(login.html)?.[1] ?? '';
    const response = await agent.request(`/interaction/${uid}/second-factor`, { method: 'POST', form: { code: '123456' } });
    expect([400, 403]).toContain(response.status);
    const followed = await agent.navigate(`/interaction/${uid}/second-factor`);
    expect(isPage(followed) && followed.html).toContain('name="password"');
  });

  it('refuses garbage in the code with a page, never a 500', async () => {
    const { account } = await withApp();
    const agent = new UserAgent(world.server.issuer);
    const { after } = await passwordAt(agent, account);
    const step = await expectPage(after);
    for (const code of ['', 'x'.repeat(5000), '<script>', '12345678901234567890']) {
      const response = await agent.submitOnce(step, { code });
      expect([400, 401, 413]).toContain(response.status);
    }
  });
});
