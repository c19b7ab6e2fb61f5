// A metropole-admin locks an account (fraud, a citizen's request): it cannot sign in — answered exactly like
// a wrong password — and what it already held stops working; unlocked, it signs in again. The help desk
// (the Métropole and counter agents, never a referent nor a syndicate) finds an account by its exact address
// only, each search audited, resends the verification mail within its hourly quota, locks with a reason.
import { operatorsOf, operatorTokensAt } from '../support/admin.js';
import { anAccount } from '../support/builders.js';
import { comparable } from '../support/account-space.js';
import { discover, loginPageAt, oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { mailsTo } from '../support/outbox.js';
import { isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: [{ slug: 'villeurbanne', name: 'Villeurbanne' }],
    clients: {
      site: { name: 'Villeurbanne, démarches' },
      otherSite: { name: 'Médiathèque de Villeurbanne' },
      operatorConsole: { name: 'Console des opérateurs', isOperatorTool: true },
    },
    operators: {
      admin: { role: 'metropole-admin' },
      agent: { role: 'counter-agent', communes: ['villeurbanne'] },
      referent: { role: 'commune-referent', communes: ['villeurbanne'] },
      syndicate: { role: 'syndicate-operator', communes: ['villeurbanne'] },
    },
  }),
);

async function setLocked(sub: string, isLocked: boolean): Promise<void> {
  const body = isLocked ? { reason: 'compte signalé' } : undefined;
  const response = await world.api.call(world.admin.bearer, 'POST', `/accounts/${sub}/${isLocked ? 'lock' : 'unlock'}`, body);
  expect([response.status, response.body.locked]).toEqual([200, isLocked]);
}

/** Submits the login form of a fresh browser with these credentials; answers the page it stays on. */
async function refusedLogin(email: string, password: string): Promise<Page> {
  const agent = new UserAgent(world.server.issuer);
  const result = await agent.submit(await loginPageAt(world.site, agent), { email, password });
  if (!isPage(result)) throw new Error(`the login let the browser through to ${result.leftTo}`);
  return result;
}

describe('locking an account', () => {
  it('refuses its sign-in with the very page a wrong password gets: 401, same message', async () => {
    const citizen = await anAccount(world.server.accounts);
    await setLocked(citizen.id, true);
    const locked = await refusedLogin(citizen.email, citizen.password);
    const wrong = await refusedLogin(citizen.email, 'not the right password at all');
    expect(locked.status).toBe(401);
    expect(locked.html).toContain('Adresse électronique ou mot de passe incorrect.');
    expect(comparable(locked)).toEqual(comparable(wrong));
  });

  it('stops the refresh token and the access token it already held', async () => {
    const citizen = await anAccount(world.server.accounts);
    const { config, tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), citizen);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await setLocked(citizen.id, true);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('does not let an open session through to another site', async () => {
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    await signInAt(world.site, browser, citizen);
    await setLocked(citizen.id, true);
    const attempt = await startAuthorization(await discover(world.server.issuer, world.otherSite), world.otherSite);
    const result = await browser.navigate(attempt.url);
    expect(isPage(result) && result.html.includes('name="password"')).toBe(true);
  });

  it('gives no code to a session that outlived the lock (one opened while the lock was being written)', async () => {
    // The lock's revocation of sessions runs after its commit: a session opened in between must not keep the account.
    const citizen = await anAccount(world.server.accounts);
    const browser = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, browser, citizen);
    await world.server.accounts.setLocked(citizen.id, true);
    const attempt = await startAuthorization(await discover(world.server.issuer, world.otherSite), world.otherSite);
    const result = await browser.navigate(attempt.url);
    expect(isPage(result) && result.status === 200 && result.html.includes('name="password"')).toBe(true);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({
      cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_token' }) })],
    });
  });

  it("takes the operators' API away from a locked operator at once", async () => {
    const operator = await anAccount(world.server.accounts);
    await operatorsOf(world.server).grant({ email: operator.email }, 'commune-referent', ['villeurbanne'], { actor: 'test' });
    const tokens = await operatorTokensAt(world.server, world.operatorConsole, operator);
    const communes = () => world.api.call(`Bearer ${tokens.access_token}`, 'GET', '/communes');
    expect((await communes()).status).toBe(200);
    await setLocked(operator.id, true);
    expect((await communes()).status).toBe(401);
  });

  it('shows the account as locked to the Métropole, and unlocking lets it sign in again', async () => {
    const citizen = await anAccount(world.server.accounts);
    await setLocked(citizen.id, true);
    const found = await world.api.call(world.admin.bearer, 'GET', `/accounts?email=${encodeURIComponent(citizen.email)}`);
    expect(found.body.items).toEqual([expect.objectContaining({ sub: citizen.id, locked: true })]);

    await setLocked(citizen.id, false);
    const { config, tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), citizen);
    expect(tokens.claims()!.sub).toEqual(expect.any(String));
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).resolves.toHaveProperty('access_token');
  });
});

type Caller = 'admin' | 'agent' | 'referent' | 'syndicate';
const find = (caller: Caller, email: string) => world.api.call(world[caller].bearer, 'GET', `/accounts?email=${encodeURIComponent(email)}`);
const post = (caller: Caller, path: string, body?: object) => world.api.call(world[caller].bearer, 'POST', path, body);
const auditRows = async (action: string) =>
  (
    await world.server.pool.query<{ actor: string; target: string | null; after: Record<string, unknown> }>(
      'select actor, target, after from audit_log where action = $1 order by id',
      [action],
    )
  ).rows;
const anUnverifiedAccount = () =>
  world.server.accounts.register({
    email: `a-verifier-${Math.random().toString(36).slice(2, 10)}@example.org`,
    password: 'une phrase de passe assez longue',
    givenName: 'Jeanne',
    familyName: 'Dupont',
    emailVerified: false,
  });

describe('the help desk', () => {
  it('lets a counter agent find an account by its exact address, and only so', async () => {
    const citizen = await anAccount(world.server.accounts);
    const found = await find('agent', citizen.email);
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({ sub: citizen.id, email: citizen.email, email_verified: true, locked: false, last_login_at: null }),
    ]);
    // A part of the address, or the address with a letter less, is no address of an account: nothing to browse.
    for (const partial of [citizen.email.split('@')[0]!, citizen.email.slice(1), '%', '*@example.org']) {
      expect((await find('agent', partial)).body).toMatchObject({ total: 0, items: [] });
    }
  });

  it('audits every search: the actor, the sub when found, the address masked, never in full', async () => {
    const citizen = await anAccount(world.server.accounts);
    const before = (await auditRows('account.looked_up')).length;
    await find('agent', citizen.email);
    await find('agent', 'personne.inconnue@example.org');
    const rows = (await auditRows('account.looked_up')).slice(before);
    expect(rows).toEqual([
      { actor: `client:${world.agent.clientId}`, target: `account:${citizen.id}`, after: { email: `c***@example.org`, found: true } },
      { actor: `client:${world.agent.clientId}`, target: null, after: { email: 'p***@example.org', found: false } },
    ]);
    expect(JSON.stringify(rows)).not.toContain('personne.inconnue');
  });

  it('refuses a commune referent and a syndicate operator every help-desk route (403)', async () => {
    const citizen = await anAccount(world.server.accounts);
    for (const caller of ['referent', 'syndicate'] as const) {
      expect((await find(caller, citizen.email)).status).toBe(403);
      expect((await post(caller, `/accounts/${citizen.id}/lock`, { reason: 'essai' })).status).toBe(403);
      expect((await post(caller, `/accounts/${citizen.id}/unlock`)).status).toBe(403);
      expect((await post(caller, `/accounts/${citizen.id}/verification-mail`)).status).toBe(403);
    }
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();
  });

  it('locks only with a reason, which the audit row keeps', async () => {
    const citizen = await anAccount(world.server.accounts);
    for (const body of [undefined, { reason: '   ' }]) {
      const refused = await post('agent', `/accounts/${citizen.id}/lock`, body);
      expect([refused.status, refused.body.field]).toEqual([400, 'reason']);
    }
    expect((await world.server.accounts.findById(citizen.id))?.lockedAt).toBeUndefined();
    expect((await post('agent', `/accounts/${citizen.id}/lock`, { reason: 'Usurpation signalée, ticket 4512' })).body.locked).toBe(true);
    expect((await auditRows('account.locked')).at(-1)).toEqual({
      actor: `client:${world.agent.clientId}`,
      target: `account:${citizen.id}`,
      after: { email: 'c***@example.org', locked: true, reason: 'Usurpation signalée, ticket 4512' },
    });
  });

  it('resends the verification mail of an unverified address, audited, within the hourly quota', async () => {
    const citizen = await anUnverifiedAccount();
    // Registration mails the first link, outside the quota of resent ones.
    const before = (await mailsTo(world.server, citizen.email)).length;
    const perHour = world.server.config.selfService.verificationMailsPerHour;
    for (let sent = 0; sent < perHour; sent++) {
      expect((await post('agent', `/accounts/${citizen.id}/verification-mail`)).status).toBe(202);
    }
    const refused = await post('agent', `/accounts/${citizen.id}/verification-mail`);
    expect([refused.status, refused.body.error]).toEqual([429, 'rate_limited_hour']);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    const mails = await mailsTo(world.server, citizen.email);
    expect(mails).toHaveLength(before + perHour);
    expect(mails.at(-1)!.link).toContain('/account/email/verify');
    const rows = (await auditRows('account.verification_mail_sent')).filter((r) => r.target === `account:${citizen.id}`);
    expect(rows).toHaveLength(perHour);
  });

  it('sends nothing to an address already verified (200)', async () => {
    const citizen = await anAccount(world.server.accounts);
    const answer = await post('admin', `/accounts/${citizen.id}/verification-mail`);
    expect([answer.status, answer.body.email_verified]).toEqual([200, true]);
    expect(await mailsTo(world.server, citizen.email)).toEqual([]);
  });
});
