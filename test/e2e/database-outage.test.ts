// While the database is unreachable (cut through a TCP relay, as in a restart or failover), people get a
// readable 503 page and programs a temporarily_unavailable error object, both with Retry-After: not a 500.
import { anAccount } from '../support/builders.js';
import { aRelayedDatabase } from '../support/database-relay.js';
import { anOidcWorld } from '../support/oidc-world.js';
import { discover, loginPageAt, startAuthorization } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';
import { useWorld } from '../support/world.js';

const database = useWorld(aRelayedDatabase);
const world = useWorld(() => anOidcWorld({ communes: ['lyon'], clients: { site: {} }, database: database.viaRelay }));
let isCut = false;

afterEach(async () => {
  if (isCut) await database.relay.open();
  isCut = false;
});

async function cutTheDatabase() {
  await database.relay.cut();
  isCut = true;
}

/** Fails unless `answer` is the 503 page with Retry-After; answers its markup. */
async function unavailablePage(answer: Response): Promise<string> {
  expect(answer.status).toBe(503);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  return answer.text();
}

describe('a database outage', () => {
  it('answers a login submitted during the outage with a 503 page and Retry-After', async () => {
    const citizen = await anAccount(world.server.accounts);
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.site, agent);

    await cutTheDatabase();
    const html = await unavailablePage(await agent.submitOnce(login, { email: citizen.email, password: citizen.password }));
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('momentanément indisponible');
  });

  it('answers an interaction page opened during the outage with the 503 page, not "interaction expired"', async () => {
    const agent = new UserAgent(world.server.issuer);
    const login = await loginPageAt(world.site, agent);

    await cutTheDatabase();
    const html = await unavailablePage(await agent.request(login.url));
    expect(html).toContain('momentanément indisponible');
    expect(html).not.toContain('a expiré');
  });

  it('answers an authorization request during the outage with a 503 page in the citizen’s language', async () => {
    const attempt = await startAuthorization(await discover(world.server.issuer, world.site), world.site, { ui_locales: 'en' });
    await cutTheDatabase();
    const html = await unavailablePage(await new UserAgent(world.server.issuer).request(attempt.url));
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('temporarily unavailable');
  });

  it('answers a program during the outage with a temporarily_unavailable error object', async () => {
    await cutTheDatabase();
    const answer = await fetch(`${world.server.issuer}/admin/api/v1/communes`, {
      headers: { authorization: 'Bearer some-access-token', accept: 'application/json' },
    });
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await answer.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
