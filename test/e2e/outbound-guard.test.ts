// Runs the real server process (outside jest's sandbox, where the library's SSRF guard can hook Node's fetch).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, loadConfig, parseOutboundAllowList } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createAccounts } from '../../src/accounts/index.js';
import { createRegistry } from '../../src/registry/index.js';
import { createSealer } from '../../src/sealing.js';
import { aClient, aCommune, anAccount, type TestAccount, type TestClient } from '../support/builders.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { oidc, signInAt } from '../support/relying-party.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';
import { UserAgent } from '../support/user-agent.js';

let database: TestDatabase;
let receiver: Server;
let received = 0;
let site: TestClient;
let citizen: TestAccount;

async function startServerProcess(allowList: string): Promise<{ issuer: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(findProjectRoot(), 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: database.url,
      SECRET_KEY: TEST_SECRET_KEY,
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-guard-')),
      OUTBOUND_ALLOWLIST: allowList,
    },
    stdio: 'ignore',
  });
  const issuer = `http://localhost:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await fetch(`${issuer}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { issuer, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('server process did not start');
}

async function stopServerProcess(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function signInAndOut(issuer: string): Promise<void> {
  const agent = new UserAgent(issuer);
  const { config, tokens } = await signInAt(site, agent, citizen);
  const confirmation = await agent.navigate(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).toString());
  if (!('html' in confirmation)) throw new Error('expected the logout confirmation page');
  await agent.submit(confirmation, { logout: 'yes' });
}

beforeAll(async () => {
  database = await freshDatabase();
  const receiverPort = await freePort();
  receiver = createServer((_req, res) => {
    received += 1;
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  const log = createLogger('silent');
  // Registered while the receiver was admitted; each server process below then decides on its own list.
  const registry = createRegistry({
    db: database.pool,
    sealer: createSealer(TEST_SECRET_KEY),
    log,
    cacheTtlSeconds: 0,
    outboundAllowList: parseOutboundAllowList('127.0.0.1'),
  });
  await aCommune(registry, { slug: 'givors' });
  site = await aClient(registry, 'givors', { backchannelLogoutUri: `http://127.0.0.1:${receiverPort}/logout` });
  citizen = await anAccount(createAccounts({ db: database.pool, config: loadConfig({}), log }));
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await database.drop();
});

describe('outgoing calls to private addresses', () => {
  it.each([
    ['are refused by the SSRF guard when OUTBOUND_ALLOWLIST does not name them', '', 0],
    ['reach a loopback receiver that OUTBOUND_ALLOWLIST names', '127.0.0.0/8', 1],
  ])('%s', async (_title, allowList, expected) => {
    const before = received;
    const { issuer, child } = await startServerProcess(allowList);
    try {
      await signInAndOut(issuer);
      expect(received - before).toBe(expected);
    } finally {
      expect(await stopServerProcess(child)).toBe(0);
    }
  });
});
