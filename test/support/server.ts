// A real GrandLyonConnect on a free port, on a fresh database, for integration and end-to-end tests. The
// database is a clone of the keyed template (global-template.ts), so the server finds its migrations applied
// and its signing keys made: its start generates no RSA key. A test about key generation starts on
// `freshDatabase()` (no keys) instead, or sets a SECRET_KEY of its own.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config, type Tunables } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freshDatabase, type TestDatabase } from './database.js';
import { TEST_SECRET_KEY } from './global-template.js';

export { TEST_SECRET_KEY };

export interface TestServer extends RunningServer {
  issuer: string;
  database: TestDatabase;
  dataDir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Tunables a test sets apart from config/default.json, computed from the defaults. */
export type Tune = (defaults: Readonly<Config>) => Partial<Tunables>;

export async function startTestServer(
  env: Record<string, string> = {},
  logDestination?: DestinationStream,
  tune?: Tune,
): Promise<TestServer> {
  // The template's keys are sealed under TEST_SECRET_KEY: a server with a key of its own makes its own.
  const database = await freshDatabase({ keyed: (env.SECRET_KEY ?? TEST_SECRET_KEY) === TEST_SECRET_KEY });
  let running: TestServer;
  try {
    running = await startInstance(database, env, logDestination, tune);
  } catch (error) {
    await database.drop(); // a start that failed leaves no database behind
    throw error;
  }
  return {
    ...running,
    async stop() {
      await running.close();
      await database.drop();
    },
  };
}

/** One more instance on a database another instance already serves (they share everything but memory). */
export async function startInstance(
  database: TestDatabase,
  env: Record<string, string> = {},
  logDestination?: DestinationStream,
  tune?: Tune,
): Promise<TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'glc-test-'));
  const defaults = loadConfig({
    PORT: String(port),
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOWLIST: '127.0.0.1,localhost',
    ...env,
  });
  const config = tune ? Object.freeze({ ...defaults, ...tune(defaults) }) : defaults;
  const running = await startServer(config, createLogger(config.logLevel, logDestination));
  return { ...running, issuer: config.issuer, database, dataDir, stop: () => running.close() };
}
