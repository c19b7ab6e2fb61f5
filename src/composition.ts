// The rooms of one server process composed over one database, bottom up: what main.ts builds the HTTP side
// (app.ts) and the background work from. A composition root, like main.ts and app.ts: it sees every room.
import { createAccounts, createCounterCodes, createFactors, type Accounts, type Factors } from './accounts/index.js';
import type { AdminDeps } from './admin/router.js';
import type { Config } from './config.js';
import { databaseUnavailability, type Database } from './db/index.js';
import { createFranceConnect, type FranceConnect } from './federation/index.js';
import { createProviderPages } from './interactions/router.js';
import type { Logger } from './log.js';
import { createMailer, createTransport, senderOf, type Mailer, type MailTransport } from './mail/index.js';
import { createOidc, ensureKeys, findApiToken, openClientRegistry, type Oidc } from './oidc/index.js';
import { createOperators } from './operators/index.js';
import type { Registry } from './registry/index.js';
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

/** The rooms composed over one database, which the HTTP side and the background work are built from. */
export interface Composition {
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
export async function compose(config: Config, log: Logger, database: Database, isPrepared: boolean): Promise<Composition> {
  const { pool } = database;
  const sealer = createSealer(resolveSecretKey(config.secretKey, config.dataDir));
  const { created } = isPrepared ? { created: [] } : await ensureKeys(pool, sealer);
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
