// Malformed input gets a 400: a readable page for a person, an OAuth error object for a program; never a
// 500. Control characters are refused at the edge, before any route or the database sees them.
import { discover, startAuthorization } from '../support/relying-party.js';
import { formsOf, isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['bron'],
    clients: {
      site: {},
      kiosk: { isPublic: true, subjectType: 'public', redirectUris: [], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'] },
    },
  }),
);

const FORM = 'application/x-www-form-urlencoded';
const asPerson = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'fr-FR' };
const asProgram = { accept: 'application/json' };

async function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${world.server.issuer}${path}`, {
    redirect: 'manual',
    ...init,
    method: init.method ?? (init.body ? 'POST' : 'GET'),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function expectReadablePage(answer: { status: number; type: string; text: string }, status = 400) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^text\/html/);
  expect(answer.text).toContain('<html lang="fr">');
  expect(answer.text).not.toMatch(/\bat .*:\d+:\d+|Error:/);
}

function expectErrorObject(answer: { status: number; type: string; text: string }, error = 'invalid_request') {
  expect(answer.status).toBe(400);
  expect(answer.type).toMatch(/^application\/json/);
  expect(JSON.parse(answer.text)).toMatchObject({ error, error_description: expect.any(String) });
}

describe('the device pages', () => {
  it('serves the code form with 200', async () => {
    const answer = await send('/device', { headers: asPerson });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('name="user_code"');
  });

  it('answers a code posted without the form (no session) with a 400 page where the code can be typed again', async () => {
    const agent = new UserAgent(world.server.issuer);
    const refused = await agent.request('/device', { form: { user_code: 'BCDF-GHJK', xsrf: 'forged' } });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('name="user_code"');
    expect(html).toContain('La demande n’a pas pu être traitée');
    // The form it shows works: it starts over by GET (opening a session), and the code is then checked.
    const [form] = formsOf(html);
    expect(form).toMatchObject({ method: 'get', fields: { user_code: 'BCDF-GHJK' } });
    const restarted = await agent.navigate(`${form!.action}?${new URLSearchParams(form!.fields).toString()}`);
    if (!isPage(restarted)) throw new Error('expected the page that posts the code');
    const checked = await agent.submit(restarted, {});
    expect(isPage(checked) && checked.html).toContain('Ce code est incorrect ou a expiré');
  });

  it('answers a program posting to /device without a session with an error object', async () => {
    expectErrorObject(await send('/device', { headers: { ...asProgram, 'content-type': FORM }, body: 'user_code=BCDF-GHJK' }));
  });

  it('answers /device/confirm visited without a session with a 400 page', async () => {
    expectReadablePage(await send('/device/confirm', { headers: asPerson }));
  });
});

describe('control characters', () => {
  it('refuses a NUL in the client_id of a device authorization with an error object', async () => {
    expectErrorObject(
      await send('/device/auth', { headers: { 'content-type': FORM }, body: `client_id=${world.kiosk.clientId}%00&scope=openid` }),
    );
  });

  it('refuses a NUL in a token request with an error object, whatever the Accept header', async () => {
    expectErrorObject(
      await send('/token', {
        headers: { 'content-type': FORM, accept: '*/*' },
        body: `grant_type=authorization_code&code=abc&client_id=${world.site.clientId}%00`,
      }),
    );
  });

  it('refuses a NUL in the query of an authorization request with a page for a person and an object for a program', async () => {
    const query = `/auth?client_id=${world.site.clientId}%00&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(world.site.redirectUri)}`;
    expectReadablePage(await send(query, { headers: asPerson }));
    expectErrorObject(await send(query, { headers: asProgram }));
  });

  it('refuses control characters in a path', async () => {
    expectReadablePage(await send('/interaction/abc%00def', { headers: asPerson }));
    expectReadablePage(await send('/account/%01', { headers: asPerson }));
  });

  it('refuses a control character typed into the login form with a 400 page', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await agent.navigate((await startAuthorization(await discover(world.server.issuer, world.site), world.site)).url);
    if (!isPage(login)) throw new Error('expected the login page');
    const refused = await agent.submit(login, { email: 'jeanne\u0001@example.org', password: 'une phrase de passe' });
    if (!isPage(refused)) throw new Error('expected a page');
    expectReadablePage({ status: refused.status, type: 'text/html', text: refused.html });
    expect(refused.html).toContain('caractères');
  });

  it('refuses a raw NUL byte in a form body and a \\u0000 in a JSON body', async () => {
    expectErrorObject(await send('/token', { headers: { 'content-type': FORM }, body: 'grant_type=client_credentials&scope=a\u0000b' }));
    expectErrorObject(
      await send('/reg', {
        headers: { 'content-type': 'application/json' },
        body: '{"redirect_uris":["https://a.example/cb"],"client_name":"a\\u0000b"}',
      }),
    );
  });

  it('keeps tabs and line breaks where they are legitimate: a pretty-printed claims parameter', async () => {
    const claims = JSON.stringify({ id_token: { email: null } }, null, '\t');
    const agent = new UserAgent(world.server.issuer);
    const login = await agent.navigate(
      (await startAuthorization(await discover(world.server.issuer, world.site), world.site, { claims })).url,
    );
    expect(isPage(login) && login.status).toBe(200);
  });
});
