// Communes as the sign-in pages read them (their face), cached per instance like the clients (client-cache.ts):
// every change is announced on the clients' channel with a key of its own (`commune:<slug>`, never a client
// id: a client id has no colon), so that every instance and worker drops its copy at once; the TTL bounds
// staleness if a notification is ever missed. Reads inside a transaction are never cached (the registry
// over a transaction's client is given no cache to read through): an uncommitted row must not outlive a rollback.
import { createClientCache, type ClientCache } from './client-cache.js';
import type { Commune } from './commune-repository.js';

const PREFIX = 'commune:';

/** The announcement's payload for a change of `slug`. */
export const communeChangeKey = (slug: string): string => `${PREFIX}${slug}`;

/** The slug an announcement names, undefined when it names a client. */
export function communeOfChangeKey(key: string): string | undefined {
  return key.startsWith(PREFIX) ? key.slice(PREFIX.length) : undefined;
}

export interface CommuneCache {
  entries: ClientCache<Commune>;
  /** False for a registry over a transaction's client: it drops entries, never fills them. */
  readsThrough: boolean;
}

export function createCommuneCache(ttlSeconds: number, now?: () => number): ClientCache<Commune> {
  return createClientCache<Commune>(ttlSeconds, now);
}
