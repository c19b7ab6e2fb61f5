// A TCP relay to the test database that a test can cut and restore, like a database restart or outage.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './server.js';
import { freshDatabase, type TestDatabase } from './database.js';

export class Relay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** A relay on a free port in front of the database, open, and the database URL that goes through it. */
  static async before(database: TestDatabase): Promise<{ relay: Relay; url: string }> {
    const target = new URL(database.url);
    const relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await relay.open();
    const viaRelay = new URL(database.url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    return { relay, url: viaRelay.toString() };
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Drops every connection and refuses new ones until open() again. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

/** A fresh database behind its relay: `viaRelay` is that database as a server reaches it through the relay. */
export interface RelayedDatabase {
  relay: Relay;
  viaRelay: TestDatabase;
  /** Cuts the relay and drops the database. */
  stop(): Promise<void>;
}

export async function aRelayedDatabase(): Promise<RelayedDatabase> {
  const database = await freshDatabase();
  const { relay, url } = await Relay.before(database);
  return {
    relay,
    viaRelay: { ...database, url },
    async stop() {
      await relay.cut();
      await database.drop();
    },
  };
}
