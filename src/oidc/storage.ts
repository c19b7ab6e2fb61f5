// The library's storage over our database: the adapter over any connection or transaction, with clients
// read from and registered into the registry (each registration audited, see registration.ts).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Pool, Queryable } from '../db/index.js';
import type { Clients, ProviderClients, RegistrationTokenBindings } from '../registry/index.js';
import type { Sealer } from '../sealing.js';
import { createAdapterFactory } from './adapter.js';
import { registeredClientStore } from './registration.js';
import { createStoredSecrets } from './stored-secrets.js';

type StoredRegistry = Pick<ProviderClients, 'findProviderClient'> &
  Pick<Clients, 'saveRegisteredClient' | 'deleteClient' | 'getClient'> &
  Pick<RegistrationTokenBindings, 'bindRegistrationToken'>;

export interface OidcStorage {
  /** The adapter writing through `db` (the pool, or a transaction's client). */
  adapterOver: (db: Queryable) => (model: string) => Adapter;
  /** The registry writing through `db`. */
  registryOver: (db: Queryable) => StoredRegistry;
}

/** `registryOver`: a registry over a connection, sharing the instance's client cache. */
export function createOidcStorage({
  pool,
  sealer,
  registryOver,
}: {
  pool: Pool;
  sealer: Sealer;
  registryOver: (db: Queryable) => StoredRegistry;
}): OidcStorage {
  const secrets = createStoredSecrets(sealer);
  const overPool = registryOver(pool);
  const clients = {
    find: async (clientId: string) => (await overPool.findProviderClient(clientId)) as AdapterPayload | undefined,
    ...registeredClientStore(pool, registryOver),
  };
  return {
    adapterOver: (db) => createAdapterFactory(db, clients, secrets),
    registryOver,
  };
}
