// The registry as the server and the command line both open it: over any connection, sharing one client
// cache, its writes checked by the library's client schema, clients stored for the library through it.
import type { Config } from '../config.js';
import type { Pool, Queryable } from '../db/index.js';
import type { Logger } from '../log.js';
import { createClientCache, createCommuneCache, createRegistry, type ProviderClientMetadata, type Registry } from '../registry/index.js';
import type { Sealer } from '../sealing.js';
import { createClientSchema, type ClientSchema } from './client-schema.js';
import { loadKeyMaterial } from './keys.js';
import { createRegistrationTokens, type RegistrationTokens } from './registration-tokens.js';
import { communeSectorUri } from './sector.js';
import { createOidcStorage, type OidcStorage } from './storage.js';

export interface ClientRegistry {
  /** The registry over the pool, for reads and single-statement changes. */
  registry: Registry;
  /** The registry writing through `db` (a transaction's client); its cache drops a client once `db` commits. */
  registryOver: (db: Queryable) => Registry;
  storage: OidcStorage;
  schema: ClientSchema;
  /** Initial access tokens minted by the client schema's provider (the server uses its own, see index.ts). */
  registrationTokens: RegistrationTokens;
}

export async function openClientRegistry(deps: {
  pool: Pool;
  sealer: Sealer;
  log: Logger;
  config: Pick<Config, 'issuer' | 'outboundAllowList'>;
  cacheTtlSeconds: number;
}): Promise<ClientRegistry> {
  const { pool, sealer, log, config } = deps;
  const cache = createClientCache<ProviderClientMetadata>(deps.cacheTtlSeconds);
  const communes = createCommuneCache(deps.cacheTtlSeconds);
  const over = (db: Queryable, validateMetadata?: ClientSchema['validate']) =>
    createRegistry({
      db,
      sealer,
      log,
      cacheTtlSeconds: deps.cacheTtlSeconds,
      cache,
      // A registry over a transaction's client drops communes from the cache but never fills it.
      communeCache: { entries: communes, readsThrough: db === pool },
      validateMetadata,
      sectorIdentifierUri: (slug) => communeSectorUri(config.issuer, slug),
      outboundAllowList: config.outboundAllowList,
    });
  // The library validates what registers through it (RFC 7591/7592) itself: its store needs no schema.
  const storage = createOidcStorage({ pool, sealer, registryOver: (db) => over(db) });
  const schema = createClientSchema({ config, keys: await loadKeyMaterial(pool, sealer), adapter: storage.adapterOver(pool) });
  const registryOver = (db: Queryable) => over(db, schema.validate);
  return {
    registry: registryOver(pool),
    registryOver,
    storage,
    schema,
    registrationTokens: createRegistrationTokens({ provider: () => schema.provider, adapterOver: storage.adapterOver, registryOver }),
  };
}
