// The end-to-end preamble as one builder: a provider on a fresh database, its communes, their sites, citizens.
import type { Commune } from '../../src/registry/index.js';
import { aClient, aCommune, anAccount, type AccountOverrides, type ClientOverrides, type CommuneOverrides, type TestAccount, type TestClient } from './builders.js';
import { startTestServer, type TestServer, type Tune } from './server.js';

export type CommuneSpec = string | (CommuneOverrides & { slug: string });

export interface OidcWorldSpec<C extends string, A extends string> {
  /** Created in this order; the first is `world.commune` and the one a client without `commune` joins. */
  communes: [CommuneSpec, ...CommuneSpec[]];
  /** Sites by the name the test reads them at (`world.site`), created in this order. */
  clients?: Record<C, ClientOverrides & { commune?: string }>;
  /** Citizens by the name the test reads them at (`world.citizen`), with verified emails. */
  accounts?: Record<A, AccountOverrides>;
  env?: Record<string, string>;
  tune?: Tune;
}

interface WorldBase {
  server: TestServer;
  commune: Commune;
  stop(): Promise<void>;
}

export type OidcWorld<C extends string = never, A extends string = never> = WorldBase & Record<C, TestClient> & Record<A, TestAccount>;

const RESERVED = new Set<string>(['server', 'commune', 'stop']);

export async function anOidcWorld<C extends string = never, A extends string = never>(spec: OidcWorldSpec<C, A>): Promise<OidcWorld<C, A>> {
  const names = [...Object.keys(spec.clients ?? {}), ...Object.keys(spec.accounts ?? {})];
  const clash = names.find((name) => RESERVED.has(name));
  if (clash) throw new Error(`a test world cannot name a client or account "${clash}": the world already has it`);
  const server = await startTestServer(spec.env, undefined, spec.tune);
  try {
    const communes: Commune[] = [];
    for (const commune of spec.communes) {
      communes.push(await aCommune(server.registry, typeof commune === 'string' ? { slug: commune } : commune));
    }
    const world: Record<string, unknown> = { server, commune: communes[0], stop: () => server.stop() };
    for (const [name, { commune, ...overrides }] of Object.entries<ClientOverrides & { commune?: string }>(spec.clients ?? {})) {
      world[name] = await aClient(server.registry, commune ?? communes[0]!.slug, overrides);
    }
    for (const [name, overrides] of Object.entries<AccountOverrides>(spec.accounts ?? {})) {
      world[name] = await anAccount(server.accounts, overrides);
    }
    return world as OidcWorld<C, A>;
  } catch (error) {
    await server.stop();
    throw error;
  }
}
