// A Postgres session advisory lock on a connection of its own, held for the life of the process: the one
// process of the deployment that holds it does the work that must happen once (background/index.ts). A session
// lock goes with its connection, so a holder that dies (crash, kill -9, lost network) frees it when Postgres sees
// the connection close, and another process takes it at its next attempt — on this machine or another one.
import pg from 'pg';
import type { Logger } from '../log.js';

export interface SessionLockOptions {
  connectionString: string;
  /** The lock's number: one per kind of singleton work, the same in every process of the deployment. */
  key: number;
  /** How often a process without the lock tries again, and how often the holder checks its connection. */
  retrySeconds: number;
  log: Logger;
  /** Called when this process takes the lock; the answer is called when it loses it (or stops). */
  onAcquired(): () => Promise<void>;
}

/** Tries the lock now and every retrySeconds; answers the stop, which releases it (the connection ends). */
export function holdSessionLock(options: SessionLockOptions): () => Promise<void> {
  const { log } = options;
  let client: pg.Client | undefined;
  let release: (() => Promise<void>) | undefined;
  let stopped = false;
  let attempting: Promise<void> | undefined;

  const lose = (reason: string) => {
    if (release) {
      log.warn({ event: 'background.lock_lost', reason }, 'background.lock_lost');
      void release();
      release = undefined;
    }
    client?.end().catch(() => undefined);
    client = undefined;
  };

  const connect = async () => {
    // A ping that gets no answer (a network cut without a reset) fails within retrySeconds: the holder stops its
    // work rather than believe it still holds a lock the server may free.
    const next = new pg.Client({
      connectionString: options.connectionString,
      application_name: 'glc-background',
      keepAlive: true,
      connectionTimeoutMillis: options.retrySeconds * 1000,
      query_timeout: options.retrySeconds * 1000,
    });
    // A connection that breaks between two attempts is noticed here rather than crashing the process.
    next.on('error', () => {
      if (client === next) lose('connection error');
    });
    next.on('end', () => {
      if (client === next && !stopped) lose('connection ended');
    });
    await next.connect();
    // The server frees the lock when it sees the connection dead: with these, about 25 s after a machine vanishes
    // rather than the system's default of hours. Where they cannot be set, the system's default stays.
    await next.query('set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3').catch(() => undefined);
    return next;
  };

  const attempt = async () => {
    if (stopped) return;
    try {
      client ??= await connect();
      if (release) {
        // The holder's check: a connection that no longer answers no longer holds the lock either.
        await client.query('select 1');
        return;
      }
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [options.key]);
      if (rows[0]?.locked) {
        log.info({ event: 'background.lock_acquired' }, 'background.lock_acquired');
        release = options.onAcquired();
      }
    } catch (error) {
      log.warn({ event: 'background.lock_failed', err: error }, 'background.lock_failed');
      lose('connection failed');
    }
  };

  const tick = () => {
    attempting ??= attempt().finally(() => {
      attempting = undefined;
    });
  };
  tick();
  const timer = setInterval(tick, options.retrySeconds * 1000);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await attempting;
    await release?.();
    release = undefined;
    await client?.end().catch(() => undefined);
    client = undefined;
  };
}
