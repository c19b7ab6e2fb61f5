// LISTEN on a dedicated connection so that every instance (every worker of each) hears what another one changed
// (clients, keys). Reconnects after a failure; what was announced while the connection was down is lost, so
// `onReconnected` is told each time listening resumes (the caller forgets its caches then) rather than waiting
// for their TTLs.
import pg from 'pg';
import type { Logger } from '../log.js';

export function listen(
  connectionString: string,
  channels: string[],
  onNotify: (channel: string, payload: string) => void,
  log: Logger,
  onReconnected: () => void = () => undefined,
): () => Promise<void> {
  let client: pg.Client | undefined;
  /** Set from the first failure until listening resumes: what was announced meanwhile is lost. */
  let mayHaveMissed = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString, application_name: 'glc-listener' });
    next.on('notification', (message) => onNotify(message.channel, message.payload ?? ''));
    // A failure while connecting rejects connect() below; these are for a connection that was listening.
    next.on('error', () => {
      if (client === next) scheduleReconnect();
    });
    next.on('end', () => {
      if (client === next) scheduleReconnect();
    });
    try {
      await next.connect();
      for (const channel of channels) await next.query(`listen ${pg.escapeIdentifier(channel)}`);
      client = next;
      if (mayHaveMissed) {
        mayHaveMissed = false;
        log.info({ event: 'db.listen_resumed' }, 'db.listen_resumed');
        onReconnected();
      }
    } catch (error) {
      log.warn({ event: 'db.listen_failed', err: error }, 'db.listen_failed');
      next.end().catch(() => undefined);
      scheduleReconnect();
    }
  };
  const scheduleReconnect = () => {
    if (stopped || retry) return;
    mayHaveMissed = true;
    client?.end().catch(() => undefined);
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 2000);
    retry.unref();
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
