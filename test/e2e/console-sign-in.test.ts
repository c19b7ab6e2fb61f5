// The operators' console signs operators in through the provider itself: two factors, a session of its own
// that ends after inactivity and at its sign-out, for operators only.
import { createHash } from 'node:crypto';
import { consolePage, anOperatorPerson } from '../support/console.js';
import { secondFactorOf } from '../support/admin.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { formsOf, isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['oullins', 'lyon'],
    accounts: { referent: {}, citizen: {}, locked: {}, revoked: {} },
  }),
);

const consoleRows = (accountId: string) =>
  world.server.pool.query<{ idle_expires_at: Date }>('select idle_expires_at from console_sessions where account_id = $1', [accountId]);

beforeAll(async () => {
  await anOperatorPerson(world.server, world.referent, 'commune-referent', ['oullins']);
});

describe('signing in to the console', () => {
  it('takes an operator through the password and the second factor to the console home', async () => {
    const secondFactor = await secondFactorOf(world.server, world.referent.email);
    const agent = new UserAgent(world.server.issuer);
    const first = await agent.navigate('/admin');
    if (!isPage(first)) throw new Error('expected the login page');
    expect(first.url).toContain('/interaction/');
    const factor = await agent.submit(first, { email: world.referent.email, password: world.referent.password });
    if (!isPage(factor)) throw new Error('expected the second-factor page');
    // A password alone never opens the console.
    expect(factor.url).toContain('/second-factor');
    const home = await agent.submit(factor, { code: secondFactor() });
    if (!isPage(home)) throw new Error('expected the console');
    expect(new URL(home.url).pathname).toBe('/admin');
    expect(home.html).toContain('<h1>Accueil de la console</h1>');
    expect(home.html).toContain('href="/admin/communes/oullins"');
    expect(home.html).not.toContain('href="/admin/communes/lyon"');
  });

  it('keeps only a digest of the session cookie in the database', async () => {
    const { agent } = await consolePage(world.server, world.referent);
    const cookie = agent.cookies.get('glc.console') ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const digest = createHash('sha256').update(cookie).digest();
    const stored = await world.server.pool.query('select 1 from console_sessions where id_digest = $1', [digest]);
    expect(stored.rowCount).toBe(1);
    const clear = await world.server.pool.query("select 1 from console_sessions where encode(id_digest, 'escape') = $1", [cookie]);
    expect(clear.rowCount).toBe(0);
  });

  it('asks an account without a second factor to set one up: a password alone never reaches the console', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await agent.navigate('/admin');
    if (!isPage(login)) throw new Error('expected the login page');
    const step = await agent.submit(login, { email: world.citizen.email, password: world.citizen.password });
    if (!isPage(step)) throw new Error('expected a page of the provider');
    expect(step.url).toContain('/second-factor');
    expect(step.html).toContain('Connexion renforcée demandée');
    expect((await agent.request('/admin')).status).toBe(303);
    expect((await consoleRows(world.citizen.id)).rowCount).toBe(0);
  });

  it('answers 403 with a readable page to a signed-in citizen who holds no role', async () => {
    await secondFactorOf(world.server, world.citizen.email);
    const { page } = await consolePage(world.server, world.citizen);
    expect(page.status).toBe(403);
    expect(page.html).toContain('Cette console est réservée aux opérateurs');
    expect((await consoleRows(world.citizen.id)).rowCount).toBe(0);
  });

  it('refuses a callback whose state is not the one this browser started with', async () => {
    const agent = new UserAgent(world.server.issuer);
    await agent.navigate('/admin/login');
    const forged = await agent.navigate('/admin/signed-in?code=whatever&state=forged');
    if (!isPage(forged)) throw new Error('expected a page');
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('La connexion à la console n’a pas abouti');
  });

  it('never sends the operator back outside the console after signing in', async () => {
    const { page } = await consolePage(world.server, world.referent, '/admin/login?return=https://evil.example/admin');
    expect(new URL(page.url).origin).toBe(world.server.issuer);
    expect(new URL(page.url).pathname).toBe('/admin');
  });
});

describe('the console session', () => {
  it('ends after the configured inactivity: the next request asks the factors again', async () => {
    const { agent } = await consolePage(world.server, world.referent);
    await world.server.pool.query("update console_sessions set idle_expires_at = now() - interval '1 second' where account_id = $1", [
      world.referent.id,
    ]);
    const response = await agent.request('/admin');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/admin\/login\?return=%2Fadmin$/);
  });

  it('moves its idle end forward on each request, never past its fixed end', async () => {
    const { agent } = await consolePage(world.server, world.referent);
    const before = (await consoleRows(world.referent.id)).rows.map((r) => r.idle_expires_at.getTime());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await agent.request('/admin');
    const after = (await consoleRows(world.referent.id)).rows.map((r) => r.idle_expires_at.getTime());
    expect(Math.max(...after)).toBeGreaterThan(Math.max(...before));
    const bounded = await world.server.pool.query('select 1 from console_sessions where idle_expires_at > expires_at');
    expect(bounded.rowCount).toBe(0);
  });

  it('ends at its sign-out, which then goes through the provider’s sign-out', async () => {
    const { page, agent } = await consolePage(world.server, world.referent);
    const cookie = agent.cookies.get('glc.console') ?? '';
    const logoutForm = formsOf(page.html).findIndex((f) => f.action === '/admin/logout');
    const answer = await agent.submitOnce(page, {}, logoutForm);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toContain('/session/end?client_id=grandlyonconnect-console');
    const digest = createHash('sha256').update(cookie).digest();
    expect((await world.server.pool.query('select 1 from console_sessions where id_digest = $1', [digest])).rowCount).toBe(0);
    // The old cookie, replayed, opens nothing.
    const replay = new UserAgent(world.server.issuer);
    replay.cookies.set('glc.console', cookie);
    expect((await replay.request('/admin')).status).toBe(303);
  });

  it('refuses a sign-out posted without the console’s CSRF token', async () => {
    const { agent } = await consolePage(world.server, world.referent);
    const forged = await agent.request('/admin/logout', { method: 'POST', form: { _csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect((await consoleRows(world.referent.id)).rowCount).toBeGreaterThan(0);
  });

  it('closes the console to an operator whose role is revoked, at the next request', async () => {
    await anOperatorPerson(world.server, world.revoked, 'commune-referent', ['lyon']);
    const { agent } = await consolePage(world.server, world.revoked);
    await world.server.operators.revoke({ email: world.revoked.email }, 'commune-referent', [], { actor: 'test' });
    const after = await agent.navigate('/admin');
    if (!isPage(after)) throw new Error('expected a page');
    expect(after.status).toBe(403);
    expect((await consoleRows(world.revoked.id)).rowCount).toBe(0);
  });

  it('closes the console to a locked account at the next request', async () => {
    await anOperatorPerson(world.server, world.locked, 'commune-referent', ['lyon']);
    const { agent } = await consolePage(world.server, world.locked);
    await world.server.pool.query('update accounts set locked_at = now() where id = $1', [world.locked.id]);
    expect((await agent.request('/admin')).status).toBe(303);
  });
});

describe('the console’s authorization code', () => {
  /** Follows the sign-in of `agent` until the provider sends it back to /admin/signed-in, and answers that URL. */
  async function callbackOf(agent: UserAgent): Promise<string> {
    const secondFactor = await secondFactorOf(world.server, world.referent.email);
    const login = await agent.navigate('/admin/login');
    if (!isPage(login)) throw new Error('expected the login page');
    const factor = await agent.submit(login, { email: world.referent.email, password: world.referent.password });
    if (!isPage(factor)) throw new Error('expected the second-factor page');
    let response = await agent.submitOnce(factor, { code: secondFactor() });
    let location = '';
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      location = new URL(response.headers.get('location') ?? '', world.server.issuer).toString();
      if (location.includes('/admin/signed-in')) return location;
      response = await agent.request(location);
    }
    throw new Error(`no callback to the console, last ${location}`);
  }

  it('opens no session for a code replayed in the browser that used it', async () => {
    const agent = new UserAgent(world.server.issuer);
    const callback = await callbackOf(agent);
    expect((await agent.request(callback)).status).toBe(302);
    agent.cookies.delete('glc.console');
    const replay = await agent.request(callback);
    expect(replay.status).toBe(400);
    expect(agent.cookies.has('glc.console')).toBe(false);
  });

  it('opens no session for a code carried to another browser, even one that started its own sign-in', async () => {
    const victim = new UserAgent(world.server.issuer);
    const callback = await callbackOf(victim);
    const attacker = new UserAgent(world.server.issuer);
    await attacker.request('/admin/login');
    const stolen = await attacker.request(callback);
    expect(stolen.status).toBe(400);
    expect(attacker.cookies.has('glc.console')).toBe(false);
    // The code is still the victim's: unspent by the attempt, it signs the victim in.
    expect((await victim.request(callback)).status).toBe(302);
    expect(victim.cookies.has('glc.console')).toBe(true);
  });
});
