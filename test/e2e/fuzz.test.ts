// A bounded fuzz of every route: a few thousand malformed requests, generated from a seeded PRNG (set
// FUZZ_SEED to replay a failure), none of which may get a 5xx or show a stack trace.
import { Agent, request as httpRequest } from 'node:http';
import { SESSION_COOKIE } from '../../src/oidc/index.js';
import { csrfOf, pageAt, signedIn } from '../support/account-space.js';
import type { TestClient } from '../support/builders.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { loginPageAt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const REQUESTS = 4000;
const CONCURRENCY = 4;

const world = useWorld(() =>
  anOidcWorld({
    communes: ['givors'],
    clients: {
      site: {},
      kiosk: { isPublic: true, subjectType: 'public', redirectUris: [], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'] },
    },
    accounts: { citizen: {} },
    operators: { operator: { role: 'metropole-admin' } },
  }),
);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}
type Random = ReturnType<typeof prng>;

interface Known {
  clientIds: string[];
  interactionUids: string[];
  slugs: string[];
  subs: string[];
  /** Cookie headers of real browsers (three in a login step, one signed in to /account), with their form tokens. */
  browsers: { cookie: string; csrf: string }[];
  bearers: string[];
  basics: string[];
  /** Good values by parameter name: a request starts valid-looking, then some of it is broken. */
  good: Record<string, string[]>;
}

const NASTY = [
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u001f',
  '\u007f',
  '\t\r\n',
  '\r\nSet-Cookie: x=1',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '\u202egnp.exe',
  '😀',
  'é',
  '\ufeff',
  '\uffff',
  '../../etc/passwd',
  '..%2f..%2f',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '"',
  '\\',
  ' ',
  '',
  'openid',
  'code',
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'https://evil.example/cb',
  'javascript:alert(1)',
  'jeanne@example.org',
  'une phrase de passe très longue',
  'allow',
  'deny',
  'fr',
  'en',
];
const PARAMS = [
  'client_id',
  'client_secret',
  'response_type',
  'response_mode',
  'scope',
  'redirect_uri',
  'state',
  'nonce',
  'prompt',
  'max_age',
  'ui_locales',
  'claims',
  'request',
  'request_uri',
  'id_token_hint',
  'login_hint',
  'acr_values',
  'code_challenge',
  'code_challenge_method',
  'code',
  'code_verifier',
  'grant_type',
  'refresh_token',
  'token',
  'token_type_hint',
  'resource',
  'user_code',
  'device_code',
  'xsrf',
  'confirm',
  'abort',
  'logout',
  'post_logout_redirect_uri',
  'email',
  'password',
  'new_password',
  'current_password',
  'given_name',
  'family_name',
  'phone_number',
  'decision',
  'csrf',
  'session',
  'uid',
  'redirect_uris',
  'client_name',
  'token_endpoint_auth_method',
  'limit',
  'cursor',
  'commune',
  'from',
  'to',
  'month',
  'format',
  'q',
  '__proto__',
  'constructor',
  '_csrf',
];

/** The parameters each route reads (its valid shape); routes not listed get random ones. */
const ROUTE_PARAMS: [RegExp, string[]][] = [
  [
    /^\/auth$/,
    [
      'client_id',
      'response_type',
      'scope',
      'redirect_uri',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'prompt',
      'ui_locales',
      'claims',
      'max_age',
      'response_mode',
      'login_hint',
    ],
  ],
  [
    /^\/token$/,
    [
      'grant_type',
      'code',
      'redirect_uri',
      'code_verifier',
      'client_id',
      'client_secret',
      'refresh_token',
      'device_code',
      'scope',
      'resource',
    ],
  ],
  [/^\/device\/auth$/, ['client_id', 'scope', 'client_secret']],
  [/^\/device/, ['user_code', 'xsrf', 'confirm', 'abort']],
  [/^\/token\/(introspection|revocation)$/, ['token', 'token_type_hint', 'client_id', 'client_secret']],
  [/^\/session\/end/, ['id_token_hint', 'post_logout_redirect_uri', 'client_id', 'state', 'ui_locales', 'xsrf', 'logout']],
  [
    /^\/reg/,
    [
      'redirect_uris',
      'client_name',
      'token_endpoint_auth_method',
      'grant_types',
      'scope',
      'subject_type',
      'jwks_uri',
      'sector_identifier_uri',
    ],
  ],
  [/^\/interaction/, ['_csrf', 'email', 'password', 'given_name', 'family_name', 'decision']],
  [
    /^\/account/,
    [
      '_csrf',
      'email',
      'password',
      'current_password',
      'new_password',
      'given_name',
      'family_name',
      'phone_number',
      'session',
      'client_id',
      'token',
      'code',
      'state',
      'ui_locales',
    ],
  ],
  [
    /^\/admin\/api/,
    [
      'slug',
      'name',
      'insee',
      'population',
      'client_name',
      'redirect_uris',
      'role',
      'communes',
      'email',
      'client_id',
      'limit',
      'cursor',
      'from',
      'to',
      'month',
      'commune',
      'reason',
    ],
  ],
];

function garbage(random: Random, known: Known): string {
  switch (random.int(6)) {
    case 0:
      return random.pick(NASTY);
    case 1:
      return random.pick(NASTY) + random.pick(NASTY);
    case 2:
      return (
        random.pick([...known.clientIds, ...known.interactionUids, ...known.slugs, ...known.subs]) +
        (random.chance(0.5) ? random.pick(NASTY) : '')
      );
    case 3:
      return 'x'.repeat(random.pick([256, 4096, 20_000]));
    case 4:
      return Array.from({ length: 1 + random.int(30) }, () => String.fromCharCode(random.int(0x3000))).join('');
    default:
      return random.pick(known.clientIds);
  }
}

/** Percent-encodes like a client would, but lets some deliberately broken escapes through. */
function encode(random: Random, value: string): string {
  if (random.chance(0.1) && /^[\x21-\x7e]*$/.test(value)) return value.replace(/[#?&= ]/g, encodeURIComponent);
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'));
  }
}

/** A route's parameters with good values, then broken: a value replaced, a parameter dropped, repeated or added. */
function pairs(random: Random, known: Known, route: string): [string, string][] {
  const names = ROUTE_PARAMS.find(([pattern]) => pattern.test(route))?.[1];
  const chosen = names ? names.filter(() => random.chance(0.6)) : Array.from({ length: random.int(5) }, () => random.pick(PARAMS));
  const result: [string, string][] = chosen.map((name) => [
    name,
    random.pick(Object.hasOwn(known.good, name) ? known.good[name]! : [garbage(random, known)]),
  ]);
  for (let mutations = 1 + random.int(3); mutations > 0; mutations--) {
    const at = random.int(Math.max(result.length, 1));
    switch (random.int(6)) {
      case 0:
        if (result[at]) result[at] = [result[at][0], garbage(random, known)];
        break;
      case 1:
        if (result[at])
          result[at] = [result[at][0], `${result[at][1]}${random.pick(['\u0000', '\u0001', '\u001b[0m', '\ud800', '%00', '\uffff'])}`];
        break;
      case 2:
        result.splice(at, 1);
        break;
      case 3:
        if (result[at]) result.push([result[at][0], random.chance(0.5) ? result[at][1] : garbage(random, known)]);
        break;
      default:
        result.push([random.chance(0.7) ? random.pick(PARAMS) : garbage(random, known), garbage(random, known)]);
    }
  }
  return result;
}

function fillPath(random: Random, template: string, known: Known): string {
  return template.replace(/:(\w+)|\{(\w+)\}/g, (_whole, a: string | undefined, b: string | undefined) => {
    const name = a ?? b ?? '';
    if (random.chance(0.5)) return encode(random, garbage(random, known));
    if (name === 'uid') return random.pick(known.interactionUids);
    if (name === 'slug') return random.pick(known.slugs);
    if (name === 'sub') return random.pick(known.subs);
    if (/client/i.test(name)) return random.pick(known.clientIds);
    return encode(random, garbage(random, known));
  });
}

interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function aRequest(random: Random, routes: string[], known: Known): FuzzRequest {
  const route = random.pick(routes);
  let path = fillPath(random, route, known);
  if (random.chance(0.1))
    path += random.pick(['/', '//', '/.', '/..', `/${encode(random, garbage(random, known))}`, '%00', '%2e%2e', ';x']);
  const query = pairs(random, known, route);
  if (query.length && random.chance(0.6)) path += `?${query.map(([k, v]) => `${encode(random, k)}=${encode(random, v)}`).join('&')}`;
  const method = random.chance(0.9) ? random.pick(['GET', 'POST']) : random.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
  const browser = random.pick(known.browsers);
  const headers: Record<string, string> = {
    accept: random.pick([
      'text/html',
      'application/json',
      '*/*',
      'text/html,application/xhtml+xml,*/*;q=0.8',
      'image/png',
      ';;;',
      'application/json;q=0, text/html;q=0',
    ]),
    'accept-language': random.pick(['fr-FR', 'en', '*', 'xx-YY;q=abc', 'de', 'fr;q=0.1, en;q=0.9', 'x'.repeat(300)]),
  };
  if (random.chance(0.6))
    headers.cookie = random.chance(0.8)
      ? browser.cookie
      : `${SESSION_COOKIE}=${random.pick(['x', 'a.b', '%00', '"'])}; ${SESSION_COOKIE}.sig=${random.pick(['x', ''])}; glc.csrf=${random.pick(['x', 'y'.repeat(40)])}`;
  if (random.chance(0.3)) {
    headers.authorization = random.pick([
      `Bearer ${random.pick(known.bearers)}`,
      `Basic ${random.pick(known.basics)}`,
      `Basic ${random.pick(known.basics)}`,
      'Bearer',
      'Bearer x',
      `Basic ${Buffer.from(`${random.pick(known.clientIds)}:x`).toString('base64')}`,
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from(':').toString('base64')}`,
      `Basic ${Buffer.from('%zz:%00').toString('base64')}`,
      'DPoP x',
      'x'.repeat(2000),
    ]);
  }
  if (random.chance(0.1)) headers['x-request-id'] = random.pick(['abc', 'x'.repeat(100), '../..']);
  if (random.chance(0.1)) headers.origin = random.pick(['https://evil.example', 'null', world.server.issuer]);
  if (method === 'GET' || method === 'HEAD' || random.chance(0.1)) return { route, method, path, headers };
  const form = pairs(random, known, route).map(([name, value]): [string, string] => [
    name,
    name === '_csrf' && random.chance(0.7) ? browser.csrf : value,
  ]);
  const kind = random.int(8);
  let body: Buffer;
  if (kind <= 2) {
    headers['content-type'] = random.pick([
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded; charset=latin1',
    ]);
    body = Buffer.from(
      form.map(([k, v]) => `${encode(random, k)}=${encode(random, v)}`).join('&') + (random.chance(0.1) ? '&\u0000=%' : ''),
    );
  } else if (kind <= 4) {
    headers['content-type'] = random.pick(['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json']);
    body = Buffer.from(
      random.pick([
        JSON.stringify(Object.fromEntries(form)),
        JSON.stringify(form),
        '{',
        '{"a":',
        'null',
        '[]',
        '"x"',
        '1',
        '{"redirect_uris":"x"}',
        '['.repeat(5000),
        `{"client_name":"${'x'.repeat(70_000)}"}`,
        '{"__proto__":{"admin":true}}',
        '{"a":"\\u0000"}',
      ]),
    );
  } else if (kind === 5) {
    headers['content-type'] = random.pick([
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/octet-stream',
      ';',
      'application/x-www-form-urlencoded; charset=ebcdic',
    ]);
    body = Buffer.from(random.pick(['--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', '<a/>', 'a=b', '\u0000\u0001']));
  } else if (kind === 6) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = Buffer.from(`${random.pick(PARAMS)}=${'y'.repeat(random.pick([17_000, 60_000, 300_000]))}`);
  } else {
    body = Buffer.from(Array.from({ length: random.int(64) }, () => random.int(256)));
  }
  // Framed like any client frames a body (a DELETE with an unannounced body would poison the connection).
  headers['content-length'] = String(body.length);
  return { route, method, path, headers, body };
}

// Node refuses a request head past 16 KiB itself (431) and closes the connection, which a client still
// sending its body sees as a reset: for those, only a 5xx or a stack trace would be ours.
const MAX_HEAD_BYTES = 16 * 1024;
const headBytes = (request: FuzzRequest) =>
  request.path.length + Object.entries(request.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);

const STACK_TRACE = /\n\s+at \S+ \(|\bat [\w$.<>]+ \([^)]*:\d+:\d+\)|\b(?:Type|Range|Reference|Syntax|URI)?Error: |node_modules\//;

async function send(agent: Agent, request: FuzzRequest): Promise<{ status: number; body: string } | { failed: string }> {
  const url = new URL(world.server.issuer);
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { agent, host: url.hostname, port: url.port, method: request.method, path: request.path, headers: request.headers },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        incoming.on('error', (error) => resolve({ failed: error.message }));
      },
    );
    outgoing.on('error', (error) => resolve({ failed: error.message }));
    outgoing.end(request.body);
  });
}

const basic = (client: TestClient) =>
  Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret ?? '')}`).toString('base64');
const cookieOf = (agent: UserAgent) => [...agent.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

async function knownThings(): Promise<Known> {
  const { server, site, kiosk, citizen, operator } = world;
  const interactionUids: string[] = [];
  const browsers: Known['browsers'] = [];
  for (let i = 0; i < 3; i++) {
    const agent = new UserAgent(server.issuer);
    const login = await loginPageAt(site, agent);
    interactionUids.push(/\/interaction\/([\w-]+)/.exec(login.url)![1]!);
    browsers.push({ cookie: cookieOf(agent), csrf: csrfOf(login) });
  }
  const citizenAgent = await signedIn(server.issuer, citizen);
  browsers.push({ cookie: cookieOf(citizenAgent), csrf: csrfOf(await pageAt(citizenAgent, '/account')) });
  const device = (await (
    await fetch(`${server.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `client_id=${kiosk.clientId}&scope=openid`,
    })
  ).json()) as { user_code: string; device_code: string };
  if (!device.user_code) throw new Error(`no device code: ${JSON.stringify(device)}`);
  return {
    clientIds: [site.clientId, kiosk.clientId, operator.clientId, 'grandlyonconnect-account'],
    interactionUids,
    slugs: ['givors', 'metropole'],
    subs: [citizen.id, '00000000-0000-0000-0000-000000000000'],
    browsers,
    bearers: [operator.token, 'not-a-token'],
    basics: [basic(site), basic(operator)],
    good: {
      client_id: [site.clientId, kiosk.clientId],
      client_secret: [site.clientSecret!],
      response_type: ['code', 'none', 'code id_token'],
      scope: ['openid', 'openid profile email', 'admin', 'openid offline_access'],
      redirect_uri: [site.redirectUri],
      redirect_uris: [site.redirectUri],
      code_challenge_method: ['S256', 'plain'],
      code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'],
      state: ['s'],
      nonce: ['n'],
      grant_type: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      user_code: [device.user_code, 'BCDF-GHJK'],
      device_code: [device.device_code],
      token: [operator.token],
      resource: [`${server.issuer}/admin/api/v1`],
      email: [citizen.email, 'personne@example.org'],
      password: [citizen.password],
      current_password: [citizen.password],
      new_password: [citizen.password],
      given_name: ['Jeanne'],
      family_name: ['Dupont'],
      decision: ['allow', 'deny'],
      ui_locales: ['fr', 'en'],
      prompt: ['login', 'consent', 'none'],
      slug: ['givors', 'villeurbanne'],
      name: ['Ville'],
      role: ['metropole-admin', 'commune-referent'],
      communes: ['givors'],
      post_logout_redirect_uri: [site.redirectUri],
      logout: ['yes'],
      client_name: ['Site'],
      token_endpoint_auth_method: ['none', 'client_secret_basic'],
    },
  };
}

async function routesOf(): Promise<string[]> {
  const discovery = (await (await fetch(`${world.server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  const fromDiscovery = Object.entries(discovery)
    .filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string')
    .map(([, value]) => new URL(value as string).pathname);
  const openapi = (await (await fetch(`${world.server.issuer}/admin/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
  const admin = Object.keys(openapi.paths).map((path) => `/admin/api/v1${path}`);
  const account = [
    '',
    '/login',
    '/signed-in',
    '/signed-out',
    '/logout',
    '/profile',
    '/password',
    '/password/forgot',
    '/password/reset',
    '/email',
    '/email/verify',
    '/email/confirm',
    '/email/resend',
    '/services',
    '/services/revoke',
    '/sessions',
    '/sessions/end',
    '/sessions/end-all',
    '/history',
    '/journal',
    '/export',
    '/export.json',
    '/delete',
  ].map((path) => `/account${path}`);
  const interaction = ['', '/login', '/register', '/consent'].map((path) => `/interaction/:uid${path}`);
  const provider = [
    '/device',
    '/device/:uid',
    '/device/confirm',
    '/auth/:uid',
    '/reg/:clientId',
    '/session/end/confirm',
    '/session/end/success',
    '/.well-known/openid-configuration',
  ];
  const ours = ['/', '/healthz', '/readyz', '/metrics', '/static/glc.css', '/communes/:slug/sector-identifier', '/admin', '/nowhere'];
  return [...new Set([...fromDiscovery, ...provider, ...interaction, ...account, ...admin, ...ours])];
}

describe('malformed requests over every route', () => {
  it(`never answer a 5xx nor show a stack trace (FUZZ_SEED=${SEED})`, async () => {
    const known = await knownThings();
    const routes = await routesOf();
    const random = prng(SEED);
    const requests = Array.from({ length: REQUESTS }, () => aRequest(random, routes, known));
    expect(new Set(requests.map((request) => request.route))).toEqual(new Set(routes)); // every route is tried
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const bad: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const index = next++;
          const request = requests[index]!;
          const answer = await send(agent, request);
          const what = `#${index} ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} ${request.body?.subarray(0, 120).toString('utf8') ?? ''}`;
          if ('failed' in answer && headBytes(request) > MAX_HEAD_BYTES - 512) continue;
          if ('failed' in answer) bad.push(`${what} → connection failed: ${answer.failed}`);
          else if (answer.status >= 500) bad.push(`${what} → ${answer.status} ${answer.body.slice(0, 200)}`);
          else if (STACK_TRACE.test(answer.body))
            bad.push(`${what} → ${answer.status} with a stack trace: ${STACK_TRACE.exec(answer.body)![0]}`);
        }
      }),
    );
    agent.destroy();
    if (bad.length)
      throw new Error(`FUZZ_SEED=${SEED}: ${bad.length} of ${REQUESTS} requests answered badly:\n${bad.slice(0, 25).join('\n')}`);
  }, 180_000);
});
