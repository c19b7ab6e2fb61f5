// What every glc command gets: configuration, the database (server or embedded, migrated), a sealer,
// and a logger on stderr so that stdout stays one JSON object.
import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { migrate, openDatabase, type Database } from '../db/index.js';
import { createLogger, type Logger } from '../log.js';
import { ensureKeys, openClientRegistry, type ClientRegistry } from '../oidc/index.js';
import { createSealer, resolveSecretKey, type Sealer } from '../sealing.js';

export interface CliContext {
  config: Config;
  db: Database;
  sealer: Sealer;
  log: Logger;
  /** Migrations applied while opening (glc migrate reports them). */
  applied: string[];
}

/** `mayCreateDatabase`: only `glc migrate` and `--init` start an embedded database where there is none. */
export async function openCliContext({ mayCreateDatabase }: { mayCreateDatabase: boolean }): Promise<CliContext> {
  const config = loadConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const db = await openDatabase(config, 'glc-cli', 2, { mayCreateEmbedded: mayCreateDatabase });
  try {
    const applied = await migrate(db.pool, config.projectRoot);
    const sealer = createSealer(resolveSecretKey(config.secretKey, config.dataDir));
    return { config, db, sealer, log, applied };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The client registry as a command changes it: the provider's keys exist (a client's secret is sealed and its
 * registration tokens signed with them) and nothing is cached, since the command ends after one change.
 */
export async function openCliRegistry(context: CliContext): Promise<ClientRegistry> {
  await ensureKeys(context.db.pool, context.sealer);
  return openClientRegistry({
    pool: context.db.pool,
    sealer: context.sealer,
    log: context.log,
    config: context.config,
    cacheTtlSeconds: 0,
  });
}
