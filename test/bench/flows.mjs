// The operations the benchmark measures, written once for both servers from their discovery documents: a
// target says who its clients are and how its pages are answered (GrandLyonConnect's login form, or the
// bare library's development login and consent forms). Each operation throws on an answer it does not expect.
import { createHash, randomBytes } from 'node:crypto';

const encode = (fields) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (client) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
const unescapeHtml = (value) => value.replaceAll('&amp;', '&').replaceAll('&#x2F;', '/').replaceAll('&#47;', '/');

/** GrandLyonConnect's login page: the form posting to …/login, with its CSRF token. */
export function answerOurLoginPage(html, { email, password }) {
  const action = /action="([^"]+\/login)"/.exec(html)?.[1];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new Error('no login form on the page');
  return { action: unescapeHtml(action), fields: { _csrf: csrf, email, password } };
}

/** The bare library's development pages: its login form (any login) or its consent form, hidden fields kept. */
export function answerDevInteraction(html, { email, password }) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no form on the development page');
  const fields = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name] = value;
  if (html.includes('name="login"')) Object.assign(fields, { login: email, password });
  return { action: unescapeHtml(action), fields };
}

/**
 * The operations against one target: { issuer, metadata (its discovery), site, service, jwtService, api,
 * redirectUri, answer(html, credentials) }. `dispatcher`: the connection pool requests go through.
 */
export function operationsOf(target, dispatcher) {
  const http = (url, init = {}) => fetch(url, dispatcher ? { ...init, dispatcher } : init);
  const meta = target.metadata;
  const get = async (url, headers = {}) => {
    const response = await http(url, { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET ${new URL(url).pathname} ${response.status}`);
  };
  const post = async (url, client, fields) => {
    const response = await http(url, { method: 'POST', headers: { ...FORM, authorization: basic(client) }, body: encode(fields) });
    const body = await response.json();
    if (!response.ok) throw new Error(`POST ${new URL(url).pathname} ${response.status} ${body.error ?? ''}`);
    return body;
  };

  /** authorize → login page → POST password → (consent) → code → token → userinfo; answers the tokens. */
  async function login(credentials) {
    const cookies = new Map();
    const go = async (url, init = {}) => {
      const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const response = await http(url, { redirect: 'manual', ...init, headers: { ...init.headers, cookie } });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        const value = pair.slice(eq + 1);
        if (value) cookies.set(pair.slice(0, eq), value);
        else cookies.delete(pair.slice(0, eq));
      }
      return response;
    };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = encode({
      client_id: target.site.client_id,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: target.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: randomBytes(8).toString('hex'),
    });
    let response = await go(`${meta.authorization_endpoint}?${query}`);
    let code;
    for (let step = 0; step < 12 && !code; step++) {
      const location = response.headers.get('location');
      if (location) {
        await response.arrayBuffer();
        const next = new URL(location, response.url);
        if (next.href.startsWith(target.redirectUri)) code = next.searchParams.get('code');
        else response = await go(next);
        continue;
      }
      const html = await response.text();
      if (!response.ok) throw new Error(`sign-in page ${response.status} at ${response.url}: ${html.slice(0, 300)}`);
      const { action, fields } = target.answer(html, credentials);
      response = await go(new URL(action, response.url), { method: 'POST', headers: FORM, body: encode(fields) });
    }
    if (!code) throw new Error('the sign-in did not come back with a code');
    const tokens = await post(meta.token_endpoint, target.site, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: target.redirectUri,
      code_verifier: verifier,
    });
    await get(meta.userinfo_endpoint, { authorization: `Bearer ${tokens.access_token}` });
    return tokens;
  }

  return {
    login,
    discovery: () => get(`${target.issuer}/.well-known/openid-configuration`),
    jwks: () => get(meta.jwks_uri),
    clientCredentials: () => post(meta.token_endpoint, target.service, { grant_type: 'client_credentials' }),
    clientCredentialsJwt: async () => {
      const { access_token: token } = await post(meta.token_endpoint, target.jwtService, {
        grant_type: 'client_credentials',
        resource: target.api,
      });
      if (token.split('.').length !== 3) throw new Error('not a JWT');
    },
    introspection: async (token) => {
      if (!(await post(meta.introspection_endpoint, target.site, { token })).active) throw new Error('inactive');
    },
    userinfo: (token) => get(meta.userinfo_endpoint, { authorization: `Bearer ${token}` }),
    refresh: (refreshToken) => post(meta.token_endpoint, target.site, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}
