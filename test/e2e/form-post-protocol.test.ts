// A form POST at /auth and /session/end (OIDC Core 3.1.2.1, RP-Initiated Logout §2) is answered with a 303
// to the same endpoint as a GET with the same parameters, the request that carries the session cookie; a
// POST that is no form, or that says a parameter twice, is an OAuth error, never a 404 or a 500.
import { discover, oidc, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const BYE = 'https://bron.example.org/bye';
const world = useWorld(() =>
  anOidcWorld({ communes: ['bron'], clients: { site: { postLogoutRedirectUris: [BYE] } }, accounts: { citizen: {} } }),
);

const asProgram = { accept: 'application/json' };

/** The authorization request a site would put in a form: the endpoint and its parameters. */
async function authorizationForm(extra: Record<string, string> = {}) {
  const url = new URL((await startAuthorization(await discover(world.server.issuer, world.site), world.site, extra)).url);
  return { endpoint: `${url.origin}${url.pathname}`, parameters: Object.fromEntries(url.searchParams) };
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(new URL(path, world.server.issuer), { method: 'POST', body, headers, redirect: 'manual' });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function expectRefusal(answer: { status: number; type: string; text: string }, status = 400) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
}

describe('a form POST at the authorization endpoint', () => {
  it('answers 303 to the same endpoint as a GET with the same parameters', async () => {
    const { endpoint, parameters } = await authorizationForm();
    const response = await new UserAgent(world.server.issuer).request(endpoint, { form: parameters });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!, endpoint);
    expect(`${location.origin}${location.pathname}`).toBe(endpoint);
    expect(Object.fromEntries(location.searchParams)).toEqual(parameters);
  });

  it('leads a signed-in browser back to the site with a code, without the password', async () => {
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, world.citizen);
    const { endpoint, parameters } = await authorizationForm();
    const result = await agent.navigate(endpoint, { method: 'POST', form: parameters });
    if (isPage(result)) throw new Error(`expected the site, got ${result.status} ${result.html.slice(0, 200)}`);
    const callback = new URL(result.leftTo);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(callback.searchParams.get('state')).toBe(parameters.state);
  });

  it('refuses a JSON body with an OAuth error object', async () => {
    const { endpoint, parameters } = await authorizationForm();
    expectRefusal(await post(endpoint, JSON.stringify(parameters), { ...asProgram, 'content-type': 'application/json' }));
  });

  it('refuses a multipart body with an OAuth error object', async () => {
    const { endpoint, parameters } = await authorizationForm();
    const form = new FormData();
    for (const [name, value] of Object.entries(parameters)) form.append(name, value);
    const response = await fetch(endpoint, { method: 'POST', body: form, headers: asProgram, redirect: 'manual' });
    expectRefusal({ status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() });
  });

  it('refuses a parameter given twice in the body', async () => {
    const { endpoint, parameters } = await authorizationForm();
    const body = `${new URLSearchParams(parameters).toString()}&scope=openid`;
    expectRefusal(await post(endpoint, body, { ...asProgram, 'content-type': 'application/x-www-form-urlencoded' }));
  });

  it('refuses parameters both in the query and in the body', async () => {
    const { endpoint, parameters } = await authorizationForm();
    const body = new URLSearchParams(parameters).toString();
    const answer = await post(`${endpoint}?client_id=${encodeURIComponent(parameters.client_id!)}`, body, {
      ...asProgram,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectRefusal(answer);
  });

  it('refuses a form too large to travel on as a GET with 413', async () => {
    const { endpoint, parameters } = await authorizationForm({ login_hint: 'x'.repeat(10_000) });
    const body = new URLSearchParams(parameters).toString();
    expectRefusal(await post(endpoint, body, { ...asProgram, 'content-type': 'application/x-www-form-urlencoded' }), 413);
  });

  it('shows a person a readable page in French for a body that is no form', async () => {
    const { endpoint } = await authorizationForm();
    const answer = await post(endpoint, '{}', { accept: 'text/html', 'accept-language': 'fr-FR', 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^text\/html/);
    expect(answer.text).toContain('<html lang="fr">');
  });
});

describe('a form POST at the end-session endpoint', () => {
  it('leads to the same confirmation as the GET, then back to the site with its state', async () => {
    const agent = new UserAgent(world.server.issuer);
    const { config, tokens } = await signInAt(world.site, agent, world.citizen);
    const endSession = new URL(
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE, state: 'au-revoir' }),
    );
    const response = await agent.request(`${endSession.origin}${endSession.pathname}`, {
      form: Object.fromEntries(endSession.searchParams),
    });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, endSession).search).toBe(endSession.search);
    const confirmation = await agent.navigate(`${endSession.origin}${endSession.pathname}`, {
      method: 'POST',
      form: Object.fromEntries(endSession.searchParams),
    });
    if (!isPage(confirmation)) throw new Error('expected the logout confirmation');
    expect(confirmation.html).toContain('name="logout"');
    const left = await agent.submit(confirmation, { logout: 'yes' });
    expect(left).toEqual({ leftTo: `${BYE}?state=au-revoir` });
  });

  it('signs nobody out by a cross-site POST alone: the confirmation asks first', async () => {
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, world.citizen);
    const confirmation = await agent.navigate('/session/end', { method: 'POST', form: { client_id: world.site.clientId } });
    if (!isPage(confirmation)) throw new Error('expected the logout confirmation');
    expect(confirmation.html).toContain('name="logout"');
    const { endpoint, parameters } = await authorizationForm();
    expect(await agent.navigate(endpoint, { method: 'POST', form: parameters })).toEqual({ leftTo: expect.stringContaining('code=') });
  });
});
