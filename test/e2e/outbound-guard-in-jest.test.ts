// oidc-provider's SSRF guard is on for a provider inside jest too (test/support/node-environment.mjs), so a
// test cannot pass while an outgoing call reaches a private address the allow-list does not name.
import { createServer, type Server } from 'node:http';
import { loadConfig, parseOutboundAllowList } from '../../src/config.js';
import { createAccounts } from '../../src/accounts/index.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/index.js';
import { createSealer } from '../../src/sealing.js';
import { aClient, aCommune, anAccount } from '../support/builders.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { freePort, startInstance, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { isPage, UserAgent } from '../support/user-agent.js';

let database: TestDatabase;
let server: TestServer;
let receiver: Server;
let received = 0;

beforeAll(async () => {
  database = await freshDatabase();
  const port = await freePort();
  receiver = createServer((_request, response) => {
    received += 1;
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  server = await startInstance(database, { OUTBOUND_ALLOWLIST: '' });
  // Registered while loopback was admitted (an allow-list since shortened): the send-time guard must still stop it.
  const log = createLogger('silent');
  const registry = createRegistry({
    db: database.pool,
    sealer: createSealer(TEST_SECRET_KEY),
    log,
    cacheTtlSeconds: 0,
    outboundAllowList: parseOutboundAllowList('127.0.0.1'),
  });
  await aCommune(registry, { slug: 'irigny' });
  const site = await aClient(registry, 'irigny', { backchannelLogoutUri: `http://127.0.0.1:${port}/logout` });
  const citizen = await anAccount(createAccounts({ db: database.pool, config: loadConfig({}), log }));
  const agent = new UserAgent(server.issuer);
  const { config, tokens } = await signInAt(site, agent, citizen);
  const confirmation = await agent.navigate(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).toString());
  if (!isPage(confirmation)) throw new Error('expected the logout confirmation page');
  await agent.submit(confirmation, { logout: 'yes' });
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => receiver.close(resolve));
  await database.drop();
});

describe('a provider under jest', () => {
  it('does not deliver a back-channel logout to a loopback address OUTBOUND_ALLOWLIST does not name', () => {
    expect(received).toBe(0);
  });
});
