// The end-to-end preamble as one builder: a provider on a fresh database, its communes, their sites, citizens
// and operator programs.
import type { Commune } from '../../src/registry/index.js';
import { anOperator, type OperatorSpec, type TestOperator } from './admin.js';
import {
  aClient,
  aCommune,
  anAccount,
  type AccountOverrides,
  type ClientOverrides,
  type CommuneOverrides,
  type TestAccount,
  type TestClient,
} from './builders.js';
import type { TestDatabase } from './database.js';
import { anAdminApi, type AdminApi } from './openapi.js';
import { startInstance, startTestServer, type TestServer, type Tune } from './server.js';

export type CommuneSpec = string | (CommuneOverrides & { slug: string });

export interface OidcWorldSpec<C extends string, A extends string, O extends string> {
  /** Created in this order; the first is `world.commune` and the one a client without `commune` joins. */
  communes: [CommuneSpec, ...CommuneSpec[]];
  /** Sites by the name the test reads them at (`world.site`), created in this order. */
  clients?: Record<C, ClientOverrides & { commune?: string }>;
  /** Citizens by the name the test reads them at (`world.citizen`), with verified emails. */
  accounts?: Record<A, AccountOverrides>;
  /**
   * Operator programs by name (`world.admin.bearer`), of the first commune unless told; with them comes
   * `world.api`, the operators' API checked against its served document.
   */
  operators?: Record<O, OperatorSpec>;
  env?: Record<string, string>;
  tune?: Tune;
  /** Serve this database instead of a fresh one (its owner drops it): one behind a relay, say. */
  database?: TestDatabase;
}

interface WorldBase {
  server: TestServer;
  commune: Commune;
  stop(): Promise<void>;
}

export type OidcWorld<C extends string = never, A extends string = never, O extends string = never> = WorldBase &
  Record<C, TestClient> &
  Record<A, TestAccount> &
  Record<O, TestOperator> &
  ([O] extends [never] ? unknown : { api: AdminApi });

const RESERVED = new Set<string>(['server', 'commune', 'stop', 'api']);

export async function anOidcWorld<C extends string = never, A extends string = never, O extends string = never>(
  spec: OidcWorldSpec<C, A, O>,
): Promise<OidcWorld<C, A, O>> {
  const names = [...Object.keys(spec.clients ?? {}), ...Object.keys(spec.accounts ?? {}), ...Object.keys(spec.operators ?? {})];
  const clash = names.find((name, index) => RESERVED.has(name) || names.indexOf(name) !== index);
  if (clash) throw new Error(`a test world cannot name two things, or one of its own, "${clash}"`);
  const server = spec.database
    ? await startInstance(spec.database, spec.env, undefined, spec.tune)
    : await startTestServer(spec.env, undefined, spec.tune);
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
    const operators = Object.entries<OperatorSpec>(spec.operators ?? {});
    for (const [name, { commune, ...operator }] of operators) {
      world[name] = await anOperator(server, commune ?? communes[0]!.slug, operator);
    }
    if (operators.length > 0) world.api = await anAdminApi(server);
    return world as OidcWorld<C, A, O>;
  } catch (error) {
    await server.stop();
    throw error;
  }
}
