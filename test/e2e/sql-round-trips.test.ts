// The database round trips of the hot paths, counted by the pool (db/pool.ts), never timed: a full password
// login of a first-party site (authorize → login form → POST → consent skipped → code → token → userinfo), a
// client-credentials token and a refresh, each against its budget (issue 12).
import { roundTripsOf, watchRoundTrips } from '../../src/db/index.js';
import { discover, exchange, oidc, signIn, startAuthorization } from '../support/relying-party.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() =>
  anOidcWorld({
    communes: ['lyon'],
    clients: {
      firstParty: { isFirstParty: true, grantTypes: ['authorization_code', 'refresh_token'] },
      service: { grantTypes: ['client_credentials'], redirectUris: [], scope: 'openid' },
    },
    accounts: { citizen: {}, neighbour: {} },
    // Nothing in the background sends a statement while an operation is counted.
    tune: (defaults) => ({
      cleanup: { ...defaults.cleanup, intervalSeconds: 3600 },
      mail: { ...defaults.mail, pollIntervalSeconds: 3600 },
      keys: { ...defaults.keys, reloadIntervalSeconds: 3600 },
    }),
  }),
);

/** The statements `operation` sent to the database, in order (the count is their number). */
async function statementsOf(operation: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const stop = watchRoundTrips(world.server.pool, (statement) => statements.push(statement.replace(/\s+/g, ' ').slice(0, 200)));
  const before = roundTripsOf(world.server.pool);
  try {
    await operation();
  } finally {
    stop();
  }
  expect(roundTripsOf(world.server.pool)).toBe(before! + statements.length);
  return statements;
}

/** A full login at the first-party site in a fresh browser, through userinfo. */
async function fullLogin(config: oidc.Configuration, citizen: typeof world.citizen) {
  const attempt = await startAuthorization(config, world.firstParty);
  const callback = await signIn(new UserAgent(world.server.issuer), attempt, citizen);
  const tokens = await exchange(config, attempt, callback);
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
  expect(userinfo.email).toBe(citizen.email);
  return tokens;
}

describe('SQL round trips', () => {
  // The budget: authorize 1, login page 1, login POST 3, resume 2, token 3, userinfo 2 (README, Operations).
  it('counts SQL round trips: a full first-party login costs at most 12, from the authorization to the userinfo answer', async () => {
    const config = await discover(world.server.issuer, world.firstParty);
    await fullLogin(config, world.neighbour); // the site's client is then in the registry's cache, as in service
    await fullLogin(config, world.citizen); // the citizen's grant exists, as at every login but the first

    const statements = await statementsOf(() => fullLogin(config, world.citizen));
    expect({ count: statements.length, statements }).toEqual({ count: Math.min(statements.length, 12), statements });
  });

  it('counts SQL round trips: a client-credentials token costs one', async () => {
    const config = await discover(world.server.issuer, world.service);
    await oidc.clientCredentialsGrant(config, { scope: 'openid' });

    const statements = await statementsOf(() => oidc.clientCredentialsGrant(config, { scope: 'openid' }));
    expect({ count: statements.length, statements }).toEqual({ count: Math.min(statements.length, 1), statements });
  });

  it('counts SQL round trips: a refresh costs at most 4', async () => {
    const config = await discover(world.server.issuer, world.firstParty);
    const { refresh_token: first } = await fullLogin(config, world.citizen);
    const { refresh_token: second } = await oidc.refreshTokenGrant(config, first!);

    const statements = await statementsOf(() => oidc.refreshTokenGrant(config, second!));
    expect({ count: statements.length, statements }).toEqual({ count: Math.min(statements.length, 4), statements });
  });

  it('releases no claim at userinfo when the sharing journal cannot record it: its line is written before the answer', async () => {
    const config = await discover(world.server.issuer, world.firstParty);
    const tokens = await fullLogin(config, world.citizen);
    const accessToken = tokens.access_token;
    const lines = async () =>
      (await world.server.pool.query<{ n: number }>(`select count(*) as n from sharing_journal where channel = 'userinfo'`)).rows[0]!.n;
    const before = await lines();
    await world.server.pool.query(`create function refuse_journal() returns trigger language plpgsql as $$
      begin raise exception 'the journal is full'; end $$`);
    await world.server.pool.query(`create trigger refuse_journal before insert on sharing_journal execute function refuse_journal()`);
    try {
      const answer = await fetch(`${world.server.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      const body = await answer.text();
      expect({ status: answer.status, releasesEmail: body.includes(world.citizen.email) }).toEqual({ status: 503, releasesEmail: false });
      expect(JSON.parse(body)).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await world.server.pool.query(`drop trigger refuse_journal on sharing_journal; drop function refuse_journal()`);
    }
    expect(await lines()).toBe(before);
    // The refusal was the journal's: once it records again, the same token is answered and recorded.
    expect((await oidc.fetchUserInfo(config, accessToken, tokens.claims()!.sub)).email).toBe(world.citizen.email);
    expect(await lines()).toBe(before + 1);
  });

  it('sends no code to the site when the sign-in cannot be recorded at resume: a 503 page instead of the redirect', async () => {
    const config = await discover(world.server.issuer, world.firstParty);
    const attempt = await startAuthorization(config, world.firstParty);
    const agent = new UserAgent(world.server.issuer);
    const login = await agent.navigate(attempt.url);
    if (!isPage(login)) throw new Error('expected the login page');
    await world.server.pool.query(`create function refuse_sign_in() returns trigger language plpgsql as $$
      begin raise exception 'the usage table is full'; end $$`);
    await world.server.pool.query(`create trigger refuse_sign_in before insert on sign_ins execute function refuse_sign_in()`);
    try {
      const result = await agent.submit(login, { email: world.citizen.email, password: world.citizen.password });
      if (!isPage(result)) throw new Error(`the browser was sent on to ${result.leftTo}`);
      expect({
        status: result.status,
        french: result.html.includes('<html lang="fr"'),
        code: /<code>(\w+)<\/code>/.exec(result.html)?.[1],
      }).toEqual({
        status: 503,
        french: true,
        code: 'temporarily_unavailable',
      });
    } finally {
      await world.server.pool.query(`drop trigger refuse_sign_in on sign_ins; drop function refuse_sign_in()`);
    }
  });

  it('sends the browser nowhere when the login POST cannot record the sign-in: a 503 page, no result stored with the interaction', async () => {
    const config = await discover(world.server.issuer, world.firstParty);
    const attempt = await startAuthorization(config, world.firstParty);
    const agent = new UserAgent(world.server.issuer);
    const login = await agent.navigate(attempt.url);
    if (!isPage(login)) throw new Error('expected the login page');
    await world.server.pool.query(`create function refuse_event() returns trigger language plpgsql as $$
      begin raise exception 'the history is full'; end $$`);
    await world.server.pool.query(`create trigger refuse_event before insert on security_events execute function refuse_event()`);
    try {
      const result = await agent.submit(login, { email: world.citizen.email, password: world.citizen.password });
      if (!isPage(result)) throw new Error(`the browser was sent on to ${result.leftTo}`);
      expect({ status: result.status, french: result.html.includes('<html lang="fr"') }).toEqual({ status: 503, french: true });
    } finally {
      await world.server.pool.query(`drop trigger refuse_event on security_events; drop function refuse_event()`);
    }
    // The interaction's result went in the same statement as the refused record: none was stored.
    const results = async () =>
      (
        await world.server.pool.query<{ n: number }>(
          `select count(*)::int as n from oidc_payloads
            where model = 'Interaction' and payload ? 'result' and payload #>> '{params,state}' = $1`,
          [attempt.state],
        )
      ).rows[0]!.n;
    expect(await results()).toBe(0);
    // Recorded again, the same form signs in: the result is stored before the browser goes on to the resume, which
    // reads it at once and sends the code to the site.
    const signedIn = await agent.submit(login, { email: world.citizen.email, password: world.citizen.password });
    if (isPage(signedIn)) throw new Error(`expected the way back to the site, got ${signedIn.status} ${signedIn.url}`);
    expect(new URL(signedIn.leftTo).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('serves the count on /metrics as glc_sql_round_trips_total', async () => {
    const read = async () => {
      const text = await (await fetch(`${world.server.issuer}/metrics`)).text();
      return Number(/^glc_sql_round_trips_total (\d+)$/m.exec(text)?.[1]);
    };
    const first = await read();
    expect(first).toBeGreaterThan(0);
    await oidc.clientCredentialsGrant(await discover(world.server.issuer, world.service), { scope: 'openid' });
    expect(await read()).toBeGreaterThan(first);
  });
});
