// Entry point: loadConfig → openDatabase → migrate → keys → createApp → listen; SIGTERM drains. With WORKERS
// above 1 the primary migrates and makes the first keys, then forks the workers that serve (cluster.ts).
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Accounts, Factors } from './accounts/index.js';
import type { Mailer } from './mail/index.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startBackgroundWork } from './background/index.js';
import { drainServer, serveUntilStopped, superviseWorkers } from './cluster.js';
import { answerMetricsRequests, clusterMetricsOf } from './cluster-metrics.js';
import { compose } from './composition.js';
import { migrate, openDatabase, type Pool } from './db/index.js';
import type { Operators } from './operators/index.js';
import { createMetrics, type Metrics } from './http/index.js';
import { createLogger, type Logger } from './log.js';
import { ensureKeys, type Oidc } from './oidc/index.js';
import type { Registry } from './registry/index.js';
import type { AccountChanges, RetentionJob } from './services/index.js';
import { createSealer, resolveSecretKey } from './sealing.js';

export interface RunningServer {
  server: Server;
  config: Config;
  isFirstStart: boolean;
  pool: Pool;
  accounts: Accounts;
  factors: Factors;
  changes: AccountChanges;
  retention: RetentionJob;
  registry: Registry;
  oidc: Oidc;
  mailer: Mailer;
  operators: Operators;
  close(): Promise<void>;
}

/** A worker's /metrics answers for the whole cluster (cluster-metrics.ts); a single process for itself. */
function createProcessMetrics(config: Config): Metrics {
  if (!cluster.isWorker) return createMetrics({ token: config.metricsToken });
  let wholeCluster: () => Promise<string> = () => Promise.resolve('');
  const metrics = createMetrics({ token: config.metricsToken, render: () => wholeCluster() });
  wholeCluster = clusterMetricsOf(metrics.registry);
  return metrics;
}

export interface StartOptions {
  /** A worker of the cluster: its primary already applied the migrations and made the first keys. */
  isPrepared?: boolean;
}

/** Builds and starts everything; tests call it too, with their own configuration. */
export async function startServer(config: Config, log: Logger, { isPrepared = false }: StartOptions = {}): Promise<RunningServer> {
  const database = await openDatabase(config, 'glc-server');
  if (!isPrepared) {
    const applied = await migrate(database.pool, config.projectRoot);
    if (applied.length) log.info({ event: 'db.migrated', applied }, 'db.migrated');
  }
  const parts = await compose(config, log, database, isPrepared);
  const { accounts, factors, changes, counterRecovery, registry, oidc, mailer, views, admin } = parts;
  const app = createApp({
    config,
    log,
    pool: database.pool,
    accounts,
    factors,
    changes,
    counterRecovery,
    registry,
    oidc,
    views,
    metrics: createProcessMetrics(config),
    admin,
    franceConnect: parts.franceConnect,
  });
  const stopBackground = startBackgroundWork(config, log, database, parts);

  const handle = app.callback();
  const server = createServer((req, res) => {
    // A request that arrives on a kept-alive connection while draining is served, and its connection closed after.
    if (!server.listening) res.setHeader('Connection', 'close');
    void handle(req, res);
  });
  server.keepAliveTimeout = config.http.keepAliveTimeoutSeconds * 1000;
  await new Promise<void>((resolve) => server.listen({ port: config.port, host: config.host }, resolve));
  log.info(
    { event: 'server.listening', port: config.port, host: config.host, issuer: config.issuer, embedded: database.isEmbedded },
    'server.listening',
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await drainServer(server);
      await stopBackground();
      parts.transport.close();
      await database.close();
    })();
    return closing;
  };
  return {
    server,
    config,
    isFirstStart: parts.isFirstStart,
    pool: database.pool,
    accounts,
    factors,
    changes,
    retention: parts.retention,
    registry,
    oidc,
    mailer,
    operators: admin.operators,
    close,
  };
}

function printWelcome(config: Config): void {
  process.stdout.write(
    `\nGrandLyonConnect is running at ${config.issuer}\n` +
      `  discovery: ${config.issuer}/.well-known/openid-configuration\n` +
      `  next: npx glc commune add --slug lyon --name "Ville de Lyon"\n` +
      `        npx glc client add --commune lyon --name "lyon.fr" --redirect-uri https://lyon.fr/callback\n` +
      `        npx glc account add --email jeanne@example.org --password "a long passphrase" --verified\n\n`,
  );
}

/** The primary's one-time work before any worker exists: the development secret key, migrations, the first keys. */
async function prepareDatabase(config: Config, log: Logger): Promise<{ isFirstStart: boolean }> {
  const database = await openDatabase(config, 'glc-primary', 1);
  try {
    const applied = await migrate(database.pool, config.projectRoot);
    if (applied.length) log.info({ event: 'db.migrated', applied }, 'db.migrated');
    const { created } = await ensureKeys(database.pool, createSealer(resolveSecretKey(config.secretKey, config.dataDir)));
    return { isFirstStart: created.length > 0 };
  } finally {
    await database.close();
  }
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`grandlyonconnect: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const root = createLogger(config.logLevel);
  // In a cluster every line says which process wrote it: the worker that answered, the one running the jobs.
  const log = config.workers > 1 ? root.child({ pid: process.pid }) : root;
  try {
    if (cluster.isPrimary && config.workers > 1) {
      answerMetricsRequests();
      await superviseWorkers({
        config,
        log,
        prepare: () => prepareDatabase(config, log),
        onListening: (isFirstStart) => isFirstStart && printWelcome(config),
      });
      return;
    }
    const started = startServer(config, log, { isPrepared: cluster.isWorker });
    serveUntilStopped(log, started);
    if ((await started).isFirstStart) printWelcome(config);
  } catch (error) {
    log.fatal({ event: 'server.start_failed', err: error }, 'server.start_failed');
    process.stderr.write(`grandlyonconnect: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

const isEntryPoint = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) void main();
