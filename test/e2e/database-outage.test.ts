// While the database is unreachable (cut through a TCP relay, as in a restart or failover), people get a
// readable 503 page and programs a temporarily_unavailable error object, both with Retry-After: not a 500.
import { aClient, aCommune, anAccount, type TestClient } from '../support/builders.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { Relay } from '../support/database-relay.js';
import { discover, startAuthorization } from '../support/relying-party.js';
import { startInstance, type TestServer } from '../support/server.js';
import { formsOf, isPage, UserAgent } from '../support/user-agent.js';

let database: TestDatabase;
let relay: Relay;
let isCut = false;
let server: TestServer;
let site: TestClient;

beforeAll(async () => {
  database = await freshDatabase();
  let url: string;
  ({ relay, url } = await Relay.before(database));
  server = await startInstance({ ...database, url });
  await aCommune(server.registry, { slug: 'lyon' });
  site = await aClient(server.registry, 'lyon');
});

afterEach(async () => {
  if (isCut) await relay.open();
  isCut = false;
});

afterAll(async () => {
  await server.stop();
  await relay.cut();
  await database.drop();
});

async function cutTheDatabase() {
  await relay.cut();
  isCut = true;
}

describe('a database outage', () => {
  it('answers a login submitted during the outage with a 503 page and Retry-After', async () => {
    const citizen = await anAccount(server.accounts);
    const agent = new UserAgent(server.issuer);
    const login = await agent.navigate((await startAuthorization(await discover(server.issuer, site), site)).url);
    if (!isPage(login)) throw new Error('expected the login page');
    const form = formsOf(login.html)[0]!;

    await cutTheDatabase();
    const answer = await agent.request(new URL(form.action, login.url).toString(), {
      method: 'POST', form: { ...form.fields, email: citizen.email, password: citizen.password },
    });
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const html = await answer.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('momentanément indisponible');
  });

  it('answers an interaction page opened during the outage with the 503 page, not "interaction expired"', async () => {
    const agent = new UserAgent(server.issuer);
    const login = await agent.navigate((await startAuthorization(await discover(server.issuer, site), site)).url);
    if (!isPage(login)) throw new Error('expected the login page');

    await cutTheDatabase();
    const answer = await agent.request(login.url);
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const html = await answer.text();
    expect(html).toContain('momentanément indisponible');
    expect(html).not.toContain('a expiré');
  });

  it('answers an authorization request during the outage with a 503 page in the citizen’s language', async () => {
    const attempt = await startAuthorization(await discover(server.issuer, site), site, { ui_locales: 'en' });
    await cutTheDatabase();
    const answer = await new UserAgent(server.issuer).request(attempt.url);
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const html = await answer.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('temporarily unavailable');
  });

  it('answers a program during the outage with a temporarily_unavailable error object', async () => {
    await cutTheDatabase();
    const answer = await fetch(`${server.issuer}/admin/api/v1/communes`, {
      headers: { authorization: 'Bearer some-access-token', accept: 'application/json' },
    });
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await answer.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
