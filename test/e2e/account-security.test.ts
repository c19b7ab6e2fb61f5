// /account/security as the citizen uses it, and as a thief holding only the citizen's session meets it: set
// up an app (QR drawn on the server, the secret as text, a first code), see the recovery codes once, make new
// ones, turn the app off with the password and a current code; every change in the history and by mail.
import { anAccount, type TestAccount } from '../support/builders.js';
import { mailsArrived, pageAt, signedIn, submitTo } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { expectPage, recoveryCodesOn, TestAuthenticator } from '../support/second-factor.js';
import type { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['lyon'] }));

async function enrolled(): Promise<{ account: TestAccount; agent: UserAgent; app: TestAuthenticator; codes: string[] }> {
  const account = await anAccount(world.server.accounts);
  const agent = await signedIn(world.server.issuer, account);
  const security = await pageAt(agent, '/account/security');
  const enrolment = await expectPage(await submitTo(agent, security, '/account/security/totp', {}));
  expect(enrolment.url).toMatch(/\/account\/security\/totp$/);
  const app = TestAuthenticator.fromPage(enrolment);
  const done = await expectPage(await submitTo(agent, enrolment, '/account/security/totp/confirm', { code: app.code() }));
  return { account, agent, app, codes: recoveryCodesOn(done) };
}

describe('the security section of /account', () => {
  it('sets up an app with a server-drawn QR code and shows ten recovery codes once', async () => {
    const { account, agent, codes } = await enrolled();
    expect(codes).toHaveLength(10);
    const again = await pageAt(agent, '/account/security');
    expect(recoveryCodesOn(again)).toEqual([]);
    expect(again.html).toContain('10 codes de secours sur 10');
    const mails = await mailsArrived(world.server, account.email);
    expect(mails.map((mail) => mail.subject).join('\n')).toContain('application d’authentification protège');
    const history = await pageAt(agent, '/account/history');
    expect(history.html).toContain('Application d’authentification activée');
  });

  it('keeps the app pending until a right first code', async () => {
    const account = await anAccount(world.server.accounts);
    const agent = await signedIn(world.server.issuer, account);
    const enrolment = await expectPage(await submitTo(agent, await pageAt(agent, '/account/security'), '/account/security/totp', {}));
    const response = await agent.submitOnce(enrolment, { code: '000000' }, 0);
    expect(response.status).toBe(400);
    expect(await world.server.factors.hasTotp(account.id)).toBe(false);
  });

  it('does not turn the app off for a session alone: the password and a current code are both asked', async () => {
    const { account, agent, app } = await enrolled();
    const page = await pageAt(agent, '/account/security');
    const noPassword = await expectPage(
      await submitTo(agent, page, '/account/security/totp/disable', { current_password: 'wrong', code: app.code(1) }),
    );
    expect(noPassword.status).toBe(400);
    const noCode = await expectPage(
      await submitTo(agent, page, '/account/security/totp/disable', { current_password: account.password, code: '123456' }),
    );
    expect(noCode.status).toBe(400);
    expect(await world.server.factors.hasTotp(account.id)).toBe(true);

    const done = await expectPage(
      await submitTo(agent, page, '/account/security/totp/disable', { current_password: account.password, code: app.code(1) }),
    );
    expect(done.status).toBe(200);
    expect(await world.server.factors.summary(account.id)).toMatchObject({ totp: { state: 'none' }, recoveryCodes: { total: 0 } });
    const mails = await mailsArrived(world.server, account.email, 2);
    expect(mails.map((mail) => mail.subject).join('\n')).toContain('retirée');
  });

  it('makes a new set of codes with the password, and the old set stops working', async () => {
    const { account, agent, codes } = await enrolled();
    const page = await pageAt(agent, '/account/security');
    const refused = await expectPage(await submitTo(agent, page, '/account/security/recovery-codes', { current_password: 'not it' }));
    expect(refused.status).toBe(400);
    const fresh = recoveryCodesOn(
      await expectPage(await submitTo(agent, page, '/account/security/recovery-codes', { current_password: account.password })),
    );
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[0]);
    expect(await world.server.factors.useRecoveryCode(account.id, codes[0] ?? '')).toBeUndefined();
    expect(await world.server.factors.useRecoveryCode(account.id, fresh[0] ?? '')).toBe(9);
  });

  it('refuses a second app while one is active, with a page and not a 500', async () => {
    const { agent } = await enrolled();
    const page = await pageAt(agent, '/account/security');
    const response = await agent.request('/account/security/totp', {
      method: 'POST',
      form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '' },
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('déjà active');
  });

  it('sends a signed-out visitor to the login page', async () => {
    const response = await fetch(`${world.server.issuer}/account/security`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toContain('/account/login');
  });
});

describe('the export and the deletion', () => {
  it('lists the factors in the export, without any secret', async () => {
    const { agent, app, codes } = await enrolled();
    const response = await agent.request('/account/export.json');
    const text = await response.text();
    const exported = JSON.parse(text) as { second_factors: { authenticator_app: unknown; recovery_codes: unknown; passkeys: unknown[] } };
    expect(exported.second_factors.authenticator_app).toMatchObject({ active_since: expect.any(String) });
    expect(exported.second_factors.recovery_codes).toEqual({ total: 10, remaining: 10 });
    expect(text).not.toContain(app.secret);
    expect(text).not.toContain(codes[0]);
  });

  it('removes the factors with the account', async () => {
    const { account } = await enrolled();
    await world.server.changes.deleteAccount(account.id, account.password);
    const { rows } = await world.server.pool.query<{ n: number }>(
      `select (select count(*) from totp_factors where account_id = $1)::int + (select count(*) from recovery_codes where account_id = $1)::int as n`,
      [account.id],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
