// The attacker against the changes of 2026-12-08, on a real server: the form POST at /auth and /session/end, the
// protocol routes taken straight to the provider, the account choice, client-credentials JWTs and /metrics behind
// its token. Each test is a request that must be refused (or a defence that must hold) and says why.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import * as oidc from 'openid-client';
import request from 'supertest';
import { findFederatedIdentity } from '../../src/accounts/federated-identity-repository.js';
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { startFranceConnectStandIn, type FranceConnectStandIn } from '../support/franceconnect.js';
import { mailsTo } from '../support/outbox.js';
import { TestAuthenticator } from '../support/second-factor.js';
import { isLoginPage } from '../support/account-space.js';
import { discover, exchange, signIn, signInAt, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent, type Page } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { startTestServer } from '../support/server.js';
import { useWorld } from '../support/world.js';

const METRICS_TOKEN = randomBytes(32).toString('hex');
const API = 'https://api.bron.example.org/voirie';
const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    clients: {
      site: {},
      service: { grantTypes: ['client_credentials'], redirectUris: [], resources: [API], accessTokenFormat: 'jwt' },
      opaqueService: { grantTypes: ['client_credentials'], redirectUris: [], resources: [API] },
    },
    accounts: { jeanne: {}, karim: {} },
    env: { METRICS_TOKEN },
  }),
);

// A second server, logging everything at trace into `logLines`: what the form POST's 303 moves into a URL.
const logLines: string[] = [];
const logged = useWorld(() => startTestServer({ LOG_LEVEL: 'trace' }, { write: (line: string) => void logLines.push(line) }));

// A third, with a FranceConnect stand-in: the mailed link code.
let franceConnect: FranceConnectStandIn;
const federated = useWorld(async () => {
  franceConnect = await startFranceConnectStandIn();
  const server = await startTestServer(franceConnect.env);
  await franceConnect.trust(server.issuer);
  await aCommune(server.registry, { slug: 'bron' });
  const site = await aClient(server.registry, 'bron', { isFirstParty: true });
  return {
    server,
    site,
    async stop() {
      await server.stop();
      await franceConnect.stop();
    },
  };
});

const FORM = 'application/x-www-form-urlencoded';
const SESSION_COOKIE = 'glc.session';

/** The query of an authorization request the site would put in a form. */
async function authorizationQuery(site: TestClient = world.site): Promise<string> {
  return new URL((await startAuthorization(await discover(world.server.issuer, site), site)).url).search.slice(1);
}

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** One HTTP/1.1 exchange written byte for byte: what fetch would not send (a chunked body of our own framing). */
function raw(lines: string[], body = ''): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(world.server.issuer);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write([...lines, `Host: ${host}`, 'Connection: close', '', ''].join('\r\n') + body);
    });
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

const postForm = (path: string, body: string, headers: Record<string, string> = {}) =>
  request(world.server.server)
    .post(path)
    .set({ 'content-type': FORM, accept: 'application/json', ...headers })
    .send(body)
    .redirects(0);

describe('the form POST at /auth and /session/end, as the attacker', () => {
  it('refuses a parameter said twice under two percent-encodings of its name (scope and scop%65)', async () => {
    const answer = await postForm('/auth', `${await authorizationQuery()}&scop%65=openid`);
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a NUL in a form value before it can travel on in the Location', async () => {
    const answer = await postForm('/session/end', 'client_id=x&state=%00');
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('control characters') });
  });

  it('refuses a chunked body that announces no length with 413 once it passes the form limit', async () => {
    const chunk = `1000\r\n${'a'.repeat(0x1000)}\r\n`;
    const answer = await raw(
      ['POST /auth HTTP/1.1', `Content-Type: ${FORM}`, 'Transfer-Encoding: chunked', 'Accept: application/json'],
      `${chunk.repeat(40)}0\r\n\r\n`,
    );
    expect(answer.status).toBe(413);
    expect(answer.headers.has('location')).toBe(false);
  });

  it('refuses a form in another charset than UTF-8, which the GET would read differently', async () => {
    const answer = await postForm('/auth', await authorizationQuery(), { 'content-type': `${FORM}; charset=iso-8859-1` });
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
  });

  it('serves no authorization at a look-alike path (/auth/, /AUTH, //auth): no 303, no interaction', async () => {
    const query = await authorizationQuery();
    for (const path of ['/auth/', '/AUTH', '//auth']) {
      const answer = await raw(
        [`POST ${path} HTTP/1.1`, `Content-Type: ${FORM}`, `Content-Length: ${Buffer.byteLength(query)}`, 'Accept: text/html'],
        query,
      );
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.headers.get('set-cookie') ?? '').not.toContain('glc.interaction');
    }
  });

  it('signs nobody out when the logout confirmation itself is posted cross-site, without the form’s xsrf', async () => {
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, world.jeanne);
    // A cross-site form carries no SameSite=Lax cookie: the attacker's POST arrives without the session.
    const forged = await postForm('/session/end/confirm', 'logout=yes', { accept: 'text/html' });
    expect(forged.status).toBe(400);
    const again = await agent.navigate(
      new URL((await startAuthorization(await discover(world.server.issuer, world.site), world.site)).url).toString(),
    );
    expect(again).toEqual({ leftTo: expect.stringContaining('code=') });
  });
});

describe('the form POST at /auth and /session/end, in the logs', () => {
  it('writes neither the id_token_hint nor the login_hint of a form moved into the GET, accepted or refused', async () => {
    const BYE = 'https://bron.example.org/bye';
    await aCommune(logged.registry, { slug: 'bron' });
    const site = await aClient(logged.registry, 'bron', { postLogoutRedirectUris: [BYE] });
    const citizen = await anAccount(logged.accounts);
    const agent = new UserAgent(logged.issuer);
    const { config, tokens } = await signInAt(site, agent, citizen);
    const idToken = tokens.id_token!;
    const [header, payload] = idToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;

    const authorization = new URL((await startAuthorization(config, site, { login_hint: citizen.email })).url);
    const endpoint = `${authorization.origin}${authorization.pathname}`;
    await agent.navigate(endpoint, { method: 'POST', form: Object.fromEntries(authorization.searchParams) });
    const wrongRedirect = { ...Object.fromEntries(authorization.searchParams), redirect_uri: 'https://evil.example.org/cb' };
    await agent.navigate(endpoint, { method: 'POST', form: wrongRedirect });
    for (const hint of [forged, idToken]) {
      const result = await agent.navigate('/session/end', {
        method: 'POST',
        form: { id_token_hint: hint, post_logout_redirect_uri: BYE, state: 'au-revoir' },
      });
      expect(isPage(result)).toBe(true);
    }

    expect(logLines.some((line) => line.includes('"oidc.authorization.error"'))).toBe(true);
    expect(logLines.some((line) => line.includes('"oidc.end_session.error"'))).toBe(true);
    const everything = logLines.join('\n');
    for (const [name, value] of Object.entries({ idToken, forged, signature: idToken.split('.')[2]!, email: citizen.email })) {
      expect({ name, leaked: everything.includes(value) }).toEqual({ name, leaked: false });
    }
  });
});

describe('the protocol routes taken straight to the provider', () => {
  it('answers a path below a protocol endpoint with 404, never a 500, and an OAuth object for a program', async () => {
    for (const path of [
      '/token/x',
      '/token/introspection/x',
      '/session/end/x',
      '/auth/x/y',
      '/jwks/x',
      '/.well-known/openid-configuration/x',
    ]) {
      const answer = await request(world.server.server).post(path).set({ 'content-type': FORM, accept: 'application/json' }).send('a=b');
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).toMatchObject({ error: 'not_found' });
    }
  });

  it('still sends the security headers on the provider’s own answers (the authorization error page, the token error)', async () => {
    const page = await request(world.server.server).get('/auth?client_id=nobody').set('accept', 'text/html');
    const token = await request(world.server.server).post('/token').type('form').send({ grant_type: 'password' });
    for (const answer of [page, token]) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      expect(answer.headers['x-request-id']).toEqual(expect.any(String));
    }
  });
});

describe('the account choice (prompt=select_account), as the attacker', () => {
  it('leaves no way in through the old session id: after “Utiliser un autre compte”, it opens neither account', async () => {
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, world.jeanne);
    const fixed = [...agent.cookies].filter(([name]) => name === SESSION_COOKIE || name === `${SESSION_COOKIE}.sig`);
    expect(fixed.map(([name]) => name).sort()).toEqual([SESSION_COOKIE, `${SESSION_COOKIE}.sig`]);
    // The copy itself opens Jeanne's session while it lives: what follows fails only because it died.
    const holder = new UserAgent(world.server.issuer);
    for (const [name, value] of fixed) holder.cookies.set(name, value);
    const config = await discover(world.server.issuer, world.site);
    expect(await holder.navigate((await startAuthorization(config, world.site)).url)).toEqual({ leftTo: expect.stringContaining('code=') });
    const attempt = await startAuthorization(config, world.site, { prompt: 'select_account' });
    const choice = await agent.navigate(attempt.url);
    if (!isPage(choice)) throw new Error('expected the account choice');
    const login = await agent.submit(choice, { decision: 'switch' });
    expect(isLoginPage(login)).toBe(true);
    await exchange(config, attempt, await signIn(agent, { ...attempt, url: (login as Page).url }, world.karim));
    expect(agent.cookies.get(SESSION_COOKIE)).not.toBe(new Map(fixed).get(SESSION_COOKIE));

    // Whoever kept the first session's cookie (a shared computer, a planted cookie) gets the login page.
    const later = new UserAgent(world.server.issuer);
    for (const [name, value] of fixed) later.cookies.set(name, value);
    const result = await later.navigate((await startAuthorization(config, world.site)).url);
    expect(isLoginPage(result)).toBe(true);
  });
});

describe('the account choice and the account the site named', () => {
  /** Jeanne's browser answers an authorization with prompt=select_account: “Continuer en tant que …” when asked. */
  async function continuedAs(extra: Record<string, string>) {
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, world.jeanne);
    const config = await discover(world.server.issuer, world.site);
    const first = await agent.navigate((await startAuthorization(config, world.site, { prompt: 'select_account', ...extra })).url);
    return isPage(first) && first.html.includes('Utiliser un autre compte') ? agent.submit(first, { decision: 'continue' }) : first;
  }

  it('gives no code for Jeanne to a site whose id_token_hint names Karim: the login page asks, as without the choice', async () => {
    const { tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), world.karim);
    expect(isLoginPage(await continuedAs({ id_token_hint: tokens.id_token! }))).toBe(true);
  });

  it('gives no code for Jeanne to a site whose claims ask Karim’s sub in the ID token', async () => {
    const { tokens } = await signInAt(world.site, new UserAgent(world.server.issuer), world.karim);
    const claims = JSON.stringify({ id_token: { sub: { value: tokens.claims()!.sub } } });
    expect(await continuedAs({ claims })).not.toEqual({ leftTo: expect.stringContaining('code=') });
  });

  it('still gives Jeanne her code when the id_token_hint is hers', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { tokens } = await signInAt(world.site, agent, world.jeanne);
    const config = await discover(world.server.issuer, world.site);
    const attempt = await startAuthorization(config, world.site, { prompt: 'select_account', id_token_hint: tokens.id_token! });
    const first = await agent.navigate(attempt.url);
    const result =
      isPage(first) && first.html.includes('Utiliser un autre compte') ? await agent.submit(first, { decision: 'continue' }) : first;
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.url}`);
    expect((await exchange(config, attempt, result.leftTo)).claims()!.sub).toBe(tokens.claims()!.sub);
  });
});

describe('client-credentials JWT access tokens, as the attacker', () => {
  async function jwtForApi(): Promise<string> {
    const config = await discover(world.server.issuer, world.service);
    const token = (await oidc.clientCredentialsGrant(config, { resource: API })).access_token;
    expect(token.split('.')).toHaveLength(3);
    return token;
  }

  it('is refused at userinfo: it names an API, not a citizen', async () => {
    const answer = await request(world.server.server)
      .get('/me')
      .set('Authorization', `Bearer ${await jwtForApi()}`);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('invalid_token');
  });

  it('is refused as the id_token_hint of a logout, with its client_id or without one', async () => {
    const hint = await jwtForApi();
    for (const query of [{ id_token_hint: hint, client_id: world.service.clientId }, { id_token_hint: hint }]) {
      const answer = await request(world.server.server).get('/session/end').query(query).set('accept', 'application/json');
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: expect.stringMatching(/^invalid_(request|client)$/) });
    }
  });

  it('an opaque token for a commune API, which the operators’ API does find in the store, is refused there by its audience', async () => {
    const config = await discover(world.server.issuer, world.opaqueService);
    const token = (await oidc.clientCredentialsGrant(config, { resource: API })).access_token;
    expect(token.split('.')).toHaveLength(1);
    expect(await world.server.oidc.provider().ClientCredentials.find(token)).toBeDefined();
    const answer = await request(world.server.server).get('/admin/api/v1/communes').set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(401);
  });

  it('gets no token for the API and an unregistered one at once: invalid_target', async () => {
    const answer = await request(world.server.server)
      .post('/token')
      .auth(world.service.clientId, world.service.clientSecret ?? '')
      .type('form')
      .send(
        `grant_type=client_credentials&resource=${encodeURIComponent(API)}&resource=${encodeURIComponent('https://api.other.example.org/')}`,
      );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: expect.stringMatching(/^invalid_(target|request)$/) });
  });
});

describe('/metrics behind METRICS_TOKEN, as the attacker', () => {
  it('serves no metrics at a look-alike path or method without the token', async () => {
    const lookAlikes = [
      'GET /metrics/',
      'GET /METRICS',
      'GET //metrics',
      'GET /%6Detrics',
      'GET /metrics;x',
      'HEAD /metrics',
      'POST /metrics',
    ];
    for (const line of lookAlikes) {
      const [method = 'GET', path = '/'] = line.split(' ');
      const answer = await raw([`${method} ${path} HTTP/1.1`, 'Content-Length: 0']);
      expect({ line, served: answer.status === 200 || answer.body.includes('glc_http_requests_total') }).toEqual({ line, served: false });
    }
    const withToken = await request(world.server.server).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(withToken.text).toContain('glc_http_requests_total');
  });
});

describe('the FranceConnect link code, as the attacker', () => {
  const formIndexOf = (page: Page, suffix: string) => formsOf(page.html).findIndex((form) => form.action.endsWith(suffix));

  /** A fresh browser from the site to FranceConnect, which answers `sub` at `acr`: where it lands back here. */
  async function backFromFranceConnect(sub: string, acr: string) {
    const { server, site } = federated;
    const agent = new UserAgent(server.issuer);
    const login = await agent.navigate((await startAuthorization(await discover(server.issuer, site), site)).url);
    if (!isPage(login)) throw new Error('expected the login page');
    franceConnect.decide({ signIn: sub, acr });
    const toFranceConnect = await agent.submit(login, {}, formIndexOf(login, '/franceconnect'));
    if (isPage(toFranceConnect)) throw new Error('expected FranceConnect');
    return { agent, back: await agent.navigate(await franceConnect.follow(toFranceConnect.leftTo)) };
  }

  it('links no account with an authenticator app on its password or mailed code alone: FranceConnect would then skip the app', async () => {
    const { server } = federated;
    // The attacker holds the password and the mailbox, not the app; FranceConnect answers an identity with that address.
    const victim = await anAccount(server.accounts);
    const started = await server.factors.startTotp(victim.id, victim.email);
    expect(await new TestAuthenticator(started!.secret).enrolWith((code) => server.factors.confirmTotp(victim.id, code))).toBeDefined();
    const sub = `fc-attacker-${Date.now()}`;
    franceConnect.addCitizen({ sub, claims: { given_name: 'Ève', family_name: 'MALLORY', birthdate: '1980-01-02', email: victim.email } });

    // The password is right: the app is asked next, and the attacker stops there.
    const byPassword = await backFromFranceConnect(sub, 'eidas1');
    if (!isPage(byPassword.back)) throw new Error('expected the link page');
    const passwordForm = formsOf(byPassword.back.html).findIndex((form) => 'password' in form.fields);
    const afterPassword = await byPassword.agent.submit(byPassword.back, { password: victim.password }, passwordForm);
    expect(isPage(afterPassword) && afterPassword.url).toMatch(/\/second-factor$/);
    expect(await findFederatedIdentity(server.pool, 'franceconnect', sub)).toBeUndefined();

    // The mailed code is right too: the app again, and no link.
    const byCode = await backFromFranceConnect(sub, 'eidas1');
    if (!isPage(byCode.back)) throw new Error('expected the link page');
    const asked = await byCode.agent.submit(byCode.back, {}, formIndexOf(byCode.back, '/link/code'));
    if (!isPage(asked)) throw new Error('expected the code page');
    const code = /\b(\d{8})\b/.exec((await mailsTo(server, victim.email)).at(-1)!.raw)?.[1] ?? '';
    const afterCode = await byCode.agent.submit(asked, { code }, formIndexOf(asked, '/link/code/check'));
    expect(isPage(afterCode) && afterCode.url).toMatch(/\/second-factor$/);

    expect(await findFederatedIdentity(server.pool, 'franceconnect', sub)).toBeUndefined();
    // FranceConnect at eidas2 counts two factors by itself: with a link, a fresh browser would reach the victim's account, no app asked.
    const later = await backFromFranceConnect(sub, 'eidas2');
    expect(isPage(later.back) && later.back.url).toMatch(/\/franceconnect\/link$/);
  });

  it('does not link the account that holds the address by the time the code is typed, nor the one it was mailed to', async () => {
    const { server, site } = federated;
    const email = `changing-${Date.now()}@example.org`;
    const mailedTo = await anAccount(server.accounts, { email });
    const sub = `fc-attacks-${Date.now()}`;
    franceConnect.addCitizen({ sub, claims: { given_name: 'Léa', family_name: 'MARTIN', birthdate: '1980-01-02', email } });
    franceConnect.decide({ signIn: sub });

    const agent = new UserAgent(server.issuer);
    const login = await agent.navigate((await startAuthorization(await discover(server.issuer, site), site)).url);
    if (!isPage(login)) throw new Error('expected the login page');
    const toFranceConnect = await agent.submit(login, {}, formIndexOf(login, '/franceconnect'));
    if (isPage(toFranceConnect)) throw new Error('expected FranceConnect');
    const link = await agent.navigate(await franceConnect.follow(toFranceConnect.leftTo));
    if (!isPage(link)) throw new Error('expected the link page');
    const form = await agent.submit(link, {}, formIndexOf(link, '/link/code'));
    if (!isPage(form)) throw new Error('expected the code page');
    const code = /\b(\d{8})\b/.exec((await mailsTo(server, email)).at(-1)!.raw)?.[1];
    expect(code).toEqual(expect.any(String));

    // Meanwhile the address moves to another account: the code named the first one, which no longer has it.
    await server.pool.query(`update accounts set email = $2 where id = $1`, [mailedTo.id, `moved-${email}`]);
    const holder = await anAccount(server.accounts, { email });
    const typed = await agent.submit(form, { code: code! }, formIndexOf(form, '/link/code/check'));
    expect(isPage(typed) && typed.status).toBe(401);
    expect(await findFederatedIdentity(server.pool, 'franceconnect', sub)).toBeUndefined();
    expect([holder.email, holder.id === mailedTo.id]).toEqual([email, false]);
  });
});
