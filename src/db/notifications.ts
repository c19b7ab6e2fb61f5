// LISTEN on a dedicated connection so that every instance hears what another one changed
// (clients, keys). Reconnects after a failure; a missed message is covered by caches' TTLs.
import pg from 'pg';
import type { Logger } from '../log.js';

export function listen(
  connectionString: string,
  channels: string[],
  onNotify: (channel: string, payload: string) => void,
  log: Logger,
): () => Promise<void> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString, application_name: 'glc-listener' });
    next.on('notification', (message) => onNotify(message.channel, message.payload ?? ''));
    next.on('error', () => scheduleReconnect());
    try {
      await next.connect();
      for (const channel of channels) await next.query(`listen ${pg.escapeIdentifier(channel)}`);
      client = next;
    } catch (error) {
      log.warn({ event: 'db.listen_failed', err: error }, 'db.listen_failed');
      next.end().catch(() => undefined);
      scheduleReconnect();
    }
  };
  const scheduleReconnect = () => {
    if (stopped || retry) return;
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
