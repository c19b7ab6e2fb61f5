import { createServer, connect, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { freePort, TEST_SECRET_KEY } from '../support/server.js';

/** A TCP relay to the database that the test can cut and restore, like a database restart. */
class Relay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

let database: TestDatabase;
let relay: Relay;
let running: RunningServer;

beforeAll(async () => {
  database = await freshDatabase();
  const target = new URL(database.url);
  relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
  await relay.open();
  const viaRelay = new URL(database.url);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);
  const config = loadConfig({
    PORT: String(await freePort()), DATABASE_URL: viaRelay.toString(), SECRET_KEY: TEST_SECRET_KEY,
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
