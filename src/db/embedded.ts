// The embedded Postgres: PGlite kept under DATA_DIR, served on a Unix socket so that the same pg code
// reaches it. Whoever opens the data directory first serves it; others (the CLI while the server runs)
// connect to that socket. Only a caller that may create one (the server, `glc migrate`, `--init`) starts a
// database in a directory that holds none: a mistyped DATA_DIR must not get a second, empty database that
// the server never sees.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ConfigError } from '../config.js';

export interface EmbeddedServer {
  connectionString: string;
  /** True when this process opened the data directory (false when it reached another process's socket). */
  isOwner: boolean;
  stop(): Promise<void>;
}

const SOCKET_NAME = '.s.PGSQL.5432';

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function connectionStringFor(socketDir: string): string {
  return `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
}

/** Postgres keeps PG_VERSION at the top of every cluster it has initialised. */
function holdsDatabase(databaseDir: string): boolean {
  return existsSync(join(databaseDir, 'PG_VERSION'));
}

export interface EmbeddedOptions {
  /** A throwaway in-memory database served on TCP (tests). */
  memory?: boolean;
  /** May initialise a database when dataDir holds none (default); false refuses instead (ConfigError on DATA_DIR). */
  mayCreate?: boolean;
}

/** Opens (or joins) the embedded database under dataDir. */
export async function startEmbedded(dataDir: string, options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  if (options.memory) {
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 });
    await server.start();
    const address = server.getServerConn();
    return {
      connectionString: `postgresql://postgres@${address}/postgres`,
      isOwner: true,
      async stop() {
        await server.stop();
        await db.close();
      },
    };
  }
  const socketDir = join(dataDir, 'run');
  const socketPath = join(socketDir, SOCKET_NAME);
  if (existsSync(socketPath)) {
    if (await socketAnswers(socketPath)) {
      return { connectionString: connectionStringFor(socketDir), isOwner: false, async stop() {} };
    }
    rmSync(socketPath, { force: true }); // left by a process that died
  }
  const databaseDir = join(dataDir, 'pglite');
  if (options.mayCreate === false && !holdsDatabase(databaseDir)) {
    throw new ConfigError(
      'DATA_DIR',
      `${dataDir} holds no database (start the server, or run "glc migrate" or add --init to create one there)`,
    );
  }
  mkdirSync(socketDir, { recursive: true });
  const db = await PGlite.create({ dataDir: databaseDir });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 8 });
  await server.start();
  return {
    connectionString: connectionStringFor(socketDir),
    isOwner: true,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketPath, { force: true });
    },
  };
}
