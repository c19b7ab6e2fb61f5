// Fixed one-minute windows whose counters live in the database, so that every instance counts together.
// What is counted is the caller's choice: failed logins (not successful ones, so that a busy town-hall
// network is never slowed down), registrations.
export interface RateCounterStore {
  read(keys: string[], windowStart: Date): Promise<Map<string, number>>;
  increment(keys: string[], windowStart: Date): Promise<void>;
}

export interface RateLimit {
  key: string;
  limit: number;
}

export interface RateLimiter {
  /** True when one of the keys has reached its limit in the current window. */
  isLimited(limits: RateLimit[]): Promise<boolean>;
  /** Counts one event for each key in the current window. */
  count(keys: string[]): Promise<void>;
}

const WINDOW_MS = 60_000;

export function createRateLimiter(store: RateCounterStore, now: () => number = Date.now): RateLimiter {
  const currentWindow = () => new Date(Math.floor(now() / WINDOW_MS) * WINDOW_MS);
  return {
    async isLimited(limits) {
      const counts = await store.read(limits.map((l) => l.key), currentWindow());
      return limits.some((l) => (counts.get(l.key) ?? 0) >= l.limit);
    },
    count: (keys) => store.increment(keys, currentWindow()),
  };
}
