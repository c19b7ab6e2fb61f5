// The attacker who holds a dump of the database (a backup, a read replica): after real sign-ins and real
// token issuance, no bearer value the provider handed out can be read from it, and every one still works.
import { PROVIDER_COOKIES } from '../../src/oidc/index.js';
import { pageAt, isLoginPage } from '../support/account-space.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, exchange, loginPageAt, oidc, signIn, startAuthorization, type AuthorizationAttempt } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['vaulx'],
    clients: {
      site: {},
      service: { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' },
      kiosk: {
        isPublic: true,
        subjectType: 'public',
        redirectUris: [],
        grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      },
    },
    accounts: { citizen: {} },
  }),
);
/** Every bearer value handed out, by what it is. */
const issued = new Map<string, string>();
let browser: UserAgent;
let pendingAttempt: AuthorizationAttempt;
let pendingCallback: string;
let registration: { client_id: string; registration_client_uri: string; registration_access_token: string };

const json = async (response: Response) => (await response.json()) as Record<string, string>;

beforeAll(async () => {
  const { server, site, service, kiosk, citizen } = world;
  const config = await discover(server.issuer, site);

  browser = new UserAgent(server.issuer);
  const first = await startAuthorization(config, site);
  const callback = await signIn(browser, first, citizen);
  issued.set('redeemed authorization code', new URL(callback).searchParams.get('code')!);
  const tokens = await exchange(config, first, callback);
  issued.set('access token', tokens.access_token);
  issued.set('refresh token', tokens.refresh_token!);
  issued.set('session cookie', browser.cookies.get(PROVIDER_COOKIES.session)!);

  pendingAttempt = await startAuthorization(config, site);
  pendingCallback = await signIn(browser, pendingAttempt);
  issued.set('authorization code not yet redeemed', new URL(pendingCallback).searchParams.get('code')!);

  const stranger = new UserAgent(server.issuer);
  await loginPageAt(site, stranger);
  issued.set('interaction cookie', stranger.cookies.get(PROVIDER_COOKIES.interaction)!);

  issued.set('client credentials token', (await oidc.clientCredentialsGrant(await discover(server.issuer, service))).access_token);
  const device = await oidc.initiateDeviceAuthorization(await discover(server.issuer, kiosk), { scope: 'openid' });
  issued.set('device code', device.device_code);

  const initial = (await server.oidc.registrationTokens.issue(server.pool, 'vaulx', 600, 'test')).token;
  issued.set('initial access token', initial);
  const registered = await fetch(`${server.issuer}/reg`, {
    method: 'POST',
    headers: { authorization: `Bearer ${initial}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'Médiathèque', redirect_uris: ['https://mediatheque.vaulx.example.org/cb'] }),
  });
  registration = (await json(registered)) as typeof registration;
  issued.set('registration access token', registration.registration_access_token);
  for (const [what, value] of issued) if (!value) throw new Error(`nothing issued for ${what}`);
});

/** Where `value` shows in a dump of the tables that hold the provider's state: "table model column" each. */
async function placesInDump(value: string): Promise<string[]> {
  const places: string[] = [];
  for (const table of ['oidc_payloads', 'registration_tokens', 'session_activity']) {
    for (const row of (await world.server.pool.query<Record<string, unknown>>(`select * from ${table}`)).rows) {
      for (const [column, cell] of Object.entries(row)) {
        if (JSON.stringify(cell ?? null).includes(value))
          places.push(`${table} ${typeof row.model === 'string' ? row.model : ''} ${column}`.replace('  ', ' '));
      }
    }
  }
  return places;
}

describe('a dump of the database', () => {
  it('holds rows for what was issued (the test looks at the right place)', async () => {
    const { rows } = await world.server.pool.query<{ model: string }>(`select distinct model from oidc_payloads`);
    expect(rows.map((r) => r.model)).toEqual(
      expect.arrayContaining([
        'AccessToken',
        'AuthorizationCode',
        'RefreshToken',
        'Session',
        'Interaction',
        'ClientCredentials',
        'DeviceCode',
        'InitialAccessToken',
        'RegistrationAccessToken',
        'Grant',
      ]),
    );
  });

  it.each([
    'access token',
    'refresh token',
    'redeemed authorization code',
    'authorization code not yet redeemed',
    'session cookie',
    'interaction cookie',
    'client credentials token',
    'device code',
    'initial access token',
    'registration access token',
  ])('does not contain the %s in clear', async (what) => {
    expect(await placesInDump(issued.get(what)!)).toEqual([]);
  });
});

describe('what was issued still works', () => {
  it('introspects the access token and the client credentials token as active', async () => {
    const config = await discover(world.server.issuer, world.site);
    expect((await oidc.tokenIntrospection(config, issued.get('access token')!)).active).toBe(true);
    const serviceConfig = await discover(world.server.issuer, world.service);
    expect((await oidc.tokenIntrospection(serviceConfig, issued.get('client credentials token')!)).active).toBe(true);
  });

  it('redeems the pending code, then refreshes with the refresh token', async () => {
    const config = await discover(world.server.issuer, world.site);
    expect((await exchange(config, pendingAttempt, pendingCallback)).access_token).toEqual(expect.any(String));
    expect((await oidc.refreshTokenGrant(config, issued.get('refresh token')!)).access_token).toEqual(expect.any(String));
  });

  it('keeps the browser signed in to the account space', async () => {
    expect(isLoginPage(await pageAt(browser, '/account'))).toBe(false);
  });

  it('answers the kiosk polling with its device code: still waiting for the citizen', async () => {
    const response = await fetch(`${world.server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: issued.get('device code')!,
        client_id: world.kiosk.clientId,
      }),
    });
    expect((await json(response)).error).toBe('authorization_pending');
  });

  it('reads the registered client with its registration access token, and registers again with the initial one', async () => {
    const read = await fetch(registration.registration_client_uri, {
      headers: { authorization: `Bearer ${issued.get('registration access token')}` },
    });
    expect(read.status).toBe(200);
    expect((await json(read)).client_id).toBe(registration.client_id);
    const again = await fetch(`${world.server.issuer}/reg`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.get('initial access token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://ludotheque.vaulx.example.org/cb'] }),
    });
    expect(again.status).toBe(201);
  });
});
