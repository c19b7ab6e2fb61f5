// Entry point: loadConfig → openDatabase → migrate → keys → createApp → listen; SIGTERM drains.
import { createServer, type Server } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAccounts, type Accounts } from './accounts/index.js';
import { createCounterCodes } from './accounts/index.js';
import { createFactors, type Factors } from './accounts/index.js';
import { createMailer, createTransport, senderOf, type Mailer, type MailTransport } from './mail/index.js';
import { createApp } from './app.js';
import { createFranceConnect, type FranceConnect } from './federation/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { databaseUnavailability, listen, migrate, openDatabase, type Database, type Pool } from './db/index.js';
import type { AdminDeps } from './admin/router.js';
import { createOperators, type Operators } from './operators/index.js';
import { createMetrics } from './http/index.js';
import { createProviderPages } from './interactions/router.js';
import { createLogger, type Logger } from './log.js';
import { createOidc, ensureKeys, findApiToken, KEY_CHANGES_CHANNEL, openClientRegistry, startCleanup, type Oidc } from './oidc/index.js';
import { CLIENT_CHANGES_CHANNEL, type Registry } from './registry/index.js';
import { createReports } from './reports/index.js';
import {
  createAccountChanges,
  createAccountNotifier,
  createCounterRecovery,
  createInvitationMailer,
  createRetentionJob,
  type AccountChanges,
  type CounterRecovery,
  type RetentionJob,
} from './services/index.js';
import { createSealer, resolveSecretKey } from './sealing.js';
import { createViews, type Views } from './views/index.js';

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

/** The rooms composed over one database, which the HTTP side and the background work are built from. */
interface Composition {
  /** Whether this start created the first signing keys (then the welcome is printed). */
  isFirstStart: boolean;
  views: Views;
  transport: MailTransport;
  mailer: Mailer;
  accounts: Accounts;
  factors: Factors;
  changes: AccountChanges;
  counterRecovery: CounterRecovery;
  retention: RetentionJob;
  registry: Registry;
  oidc: Oidc;
  admin: AdminDeps;
  /** Undefined when FRANCECONNECT_* are not set. */
  franceConnect: FranceConnect | undefined;
}

/**
 * The rooms over one database, bottom up: accounts and the registry, the library's storage and client
 * schema, the provider, then the application layer over them and the operators' API.
 */
async function compose(config: Config, log: Logger, database: Database): Promise<Composition> {
  const { pool } = database;
  const sealer = createSealer(resolveSecretKey(config.secretKey, config.dataDir));
  const { created } = await ensureKeys(pool, sealer);
  const views = createViews(config.projectRoot);
  const transport = createTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: senderOf(config.issuer) });
  const mailer = createMailer({ db: pool, transport, log, policy: config.mail });
  const notify = createAccountNotifier(views, mailer);
  const accounts = createAccounts({ db: pool, config, log, notify });
  const factors = createFactors({
    db: pool,
    sealer,
    notify,
    stepTtlSeconds: config.ttlSeconds.interaction,
    passkeys: { issuer: config.issuer, rpName: 'GrandLyonConnect', challengeTtlSeconds: config.passkeys.challengeTtlSeconds },
  });
  const clients = await openClientRegistry({
    pool,
    sealer,
    log,
    config,
    cacheTtlSeconds: database.isEmbedded ? config.embeddedClientCacheTtlSeconds : config.clientCacheTtlSeconds,
  });
  const { registry, storage } = clients;
  const franceConnect = createFranceConnect({ pool, config, log, sealer, accounts, notify });
  const oidc = await createOidc({
    db: pool,
    sealer,
    config,
    log,
    accounts,
    registry,
    storage,
    pages: {
      ...createProviderPages(views, databaseUnavailability(pool, config.database.outageRetryAfterSeconds), registry),
      upstreamSessions: franceConnect?.upstreamSessions,
    },
  });
  const changes = createAccountChanges({ pool, accounts, citizen: oidc.citizen, config });
  const retention = createRetentionJob({ accounts, changes, config, log });
  const counterRecovery = createCounterRecovery({
    pool,
    config,
    accounts,
    hashNewPassword: (email, password) => accounts.selfService.hashNewPassword(email, password),
    codes: createCounterCodes({ sealer, notify, removeFactors: (accountId, tx) => factors.removeAll(accountId, tx) }),
    communes: registry,
    citizen: oidc.citizen,
  });
  const admin: AdminDeps = {
    pool,
    issuer: config.issuer,
    policy: config.operatorsApi,
    accounts,
    changes,
    counterRecovery,
    registry,
    registryFor: clients.registryOver,
    registrationTokens: { ...oidc.registrationTokens, ttlSeconds: config.operators.communeTokenTtlSeconds },
    operators: createOperators({ pool, config, accounts, registry, invitationMail: createInvitationMailer({ views, mailer }) }),
    reports: createReports(pool, config.contributionGrid),
    findToken: (value) => findApiToken(oidc.provider(), value),
  };
  return {
    isFirstStart: created.length > 0,
    views,
    transport,
    mailer,
    accounts,
    factors,
    changes,
    counterRecovery,
    retention,
    registry,
    oidc,
    admin,
    franceConnect,
  };
}

/** What runs beside requests: cross-instance invalidation, sweeping, mail delivery, retention. Answers its stop. */
function startBackgroundWork(config: Config, log: Logger, database: Database, parts: Composition): () => Promise<void> {
  // The embedded database serves one instance: nobody else to hear.
  const stopListening =
    database.isEmbedded || !config.databaseUrl
      ? () => Promise.resolve()
      : listen(
          config.databaseUrl,
          [CLIENT_CHANGES_CHANNEL, KEY_CHANGES_CHANNEL],
          (channel, payload) => {
            if (channel === CLIENT_CHANGES_CHANNEL) parts.registry.forget(payload);
            else void parts.oidc.reloadKeysIfChanged();
          },
          log,
        );
  const stops = [
    startCleanup(database.pool, log, config.cleanup),
    parts.mailer.startWorker(),
    parts.retention.start(),
    () => parts.oidc.stop(),
  ];
  return async () => {
    for (const stop of stops) stop();
    await stopListening();
  };
}

/** Builds and starts everything; tests call it too, with their own configuration. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const database = await openDatabase(config, 'glc-server');
  const applied = await migrate(database.pool, config.projectRoot);
  if (applied.length) log.info({ event: 'db.migrated', applied }, 'db.migrated');
  const parts = await compose(config, log, database);
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
    metrics: createMetrics({ token: config.metricsToken }),
    admin,
    franceConnect: parts.franceConnect,
  });
  const stopBackground = startBackgroundWork(config, log, database, parts);

  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = config.http.keepAliveTimeoutSeconds * 1000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  log.info({ event: 'server.listening', port: config.port, issuer: config.issuer, embedded: database.isEmbedded }, 'server.listening');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
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

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`grandlyonconnect: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let running: RunningServer;
  try {
    running = await startServer(config, log);
  } catch (error) {
    log.fatal({ event: 'server.start_failed', err: error }, 'server.start_failed');
    process.stderr.write(`grandlyonconnect: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (running.isFirstStart) printWelcome(config);
  const shutdown = (signal: string) => {
    log.info({ event: 'server.stopping', signal }, 'server.stopping');
    running.close().then(
      () => {
        log.info({ event: 'server.stopped' }, 'server.stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

const isEntryPoint = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) void main();
