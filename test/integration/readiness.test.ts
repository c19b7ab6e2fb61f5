import request from 'supertest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { Relay } from '../support/database-relay.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';

let database: TestDatabase;
let relay: Relay;
let running: RunningServer;

beforeAll(async () => {
  database = await freshDatabase();
  let url: string;
  ({ relay, url } = await Relay.before(database));
  const config = loadConfig({
    PORT: String(await freePort()), DATABASE_URL: url, SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'glc-ready-')),
  });
  running = await startServer(config, createLogger('silent'));
});

afterAll(async () => {
  await running.close();
  await relay.cut();
  await database.drop();
});

describe('readiness follows the database', () => {
  it('answers 503 while the database is unreachable and 200 again once it is back, without a restart', async () => {
    expect((await request(running.server).get('/readyz')).status).toBe(200);

    await relay.cut();
    const down = await request(running.server).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', reason: 'database' });
    expect((await request(running.server).get('/healthz')).status).toBe(200);

    await relay.open();
    expect((await request(running.server).get('/readyz')).status).toBe(200);
  });
});
