// A visitor who is not signed in costs no lasting row: the provider keeps an anonymous session only while
// the form it protects (logout, device code) may still be submitted, and none at all when it carries nothing.
import { anAccount } from '../support/builders.js';
import { pageAt, signedIn, submitTo } from '../support/account-space.js';
import { discover, exchange, signIn, signInAt, startAuthorization } from '../support/relying-party.js';
import { isPage, UserAgent } from '../support/user-agent.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { useWorld } from '../support/world.js';

const world = useWorld(() => anOidcWorld({ communes: ['bron'], clients: { site: {}, otherSite: {} } }));

/** Session rows of nobody, and those of them kept longer than a flow in progress may last. */
async function anonymousSessionRows() {
  const { rows } = await world.server.pool.query<{ all: number; lasting: number }>(
    `select count(*)::int as all, count(*) filter (where expires_at > now() + make_interval(secs => $1))::int as lasting
     from oidc_payloads where model = 'Session' and account_id is null`,
    [world.server.config.ttlSeconds.interaction + 60],
  );
  return rows[0]!;
}

describe('visitors who are not signed in', () => {
  it('keeps no lasting session for 100 anonymous visits of /session/end and 100 of /device', async () => {
    const before = await anonymousSessionRows();
    for (let i = 0; i < 100; i++) {
      for (const path of ['/session/end', '/device']) await (await new UserAgent(world.server.issuer).request(path)).arrayBuffer();
    }
    const after = await anonymousSessionRows();
    expect(after.lasting - before.lasting).toBe(0);
  });

  it('still signs out a browser without a session, and keeps nothing once its form is posted', async () => {
    const before = await anonymousSessionRows();
    const agent = new UserAgent(world.server.issuer);
    const page = await pageAt(agent, '/session/end');
    const done = await agent.submit(page, {});
    expect(isPage(done) && done.html).toContain('Vous êtes déconnecté');
    expect((await anonymousSessionRows()).all).toBe(before.all);
  });

  it('adds no row for each request of a browser whose session was ended elsewhere', async () => {
    const citizen = await anAccount(world.server.accounts);
    const stale = await signedIn(world.server.issuer, citizen);
    const elsewhere = await signedIn(world.server.issuer, citizen);
    const sessions = await pageAt(elsewhere, '/account/sessions');
    await submitTo(elsewhere, sessions, '/account/sessions/end-all', {});
    const before = await anonymousSessionRows();
    const config = await discover(world.server.issuer, world.site);
    for (let i = 0; i < 10; i++) {
      const login = await stale.navigate((await startAuthorization(config, world.site)).url);
      expect(isPage(login) && login.html).toContain('name="password"');
    }
    expect((await anonymousSessionRows()).all).toBe(before.all);
  });
});

describe('a citizen who signs in', () => {
  it('keeps a session for its full lifetime, and the next site signs in without a password', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    await signInAt(world.site, agent, citizen);
    const { rows } = await world.server.pool.query<{ seconds: number }>(
      `select extract(epoch from expires_at - now())::int as seconds from oidc_payloads where model = 'Session' and account_id = $1`,
      [citizen.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seconds).toBeGreaterThan(world.server.config.ttlSeconds.session - 120);

    const otherConfig = await discover(world.server.issuer, world.otherSite);
    const next = await startAuthorization(otherConfig, world.otherSite);
    const tokens = await exchange(otherConfig, next, await signIn(agent, next, citizen));
    expect(tokens.claims()!.sub).toEqual(expect.any(String));
  });
});
