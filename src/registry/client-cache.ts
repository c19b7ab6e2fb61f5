// Clients as the provider reads them, cached per instance. Any change is announced with NOTIFY so that
// every instance drops its copy; the TTL bounds staleness if a notification is ever missed.
export interface ClientCache<T> {
  get(clientId: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  invalidate(clientId?: string): void;
}

export const CLIENT_CHANGES_CHANNEL = 'glc_client_changes';

export function createClientCache<T>(ttlSeconds: number, now: () => number = Date.now): ClientCache<T> {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    async get(clientId, load) {
      const entry = entries.get(clientId);
      if (entry && entry.expiresAt > now()) return entry.value;
      const value = await load();
      // Unknown clients are not cached: a client registered a moment ago must be found at once.
      if (value === undefined) entries.delete(clientId);
      else entries.set(clientId, { value, expiresAt: now() + ttlSeconds * 1000 });
      return value;
    },
    invalidate(clientId) {
      if (clientId === undefined) entries.clear();
      else entries.delete(clientId);
    },
  };
}
