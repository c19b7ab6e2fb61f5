// Fixed windows (a minute by default) whose counters live in the database, so that every instance counts together.
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
  /** True when one of the keys has reached its limit in the current window (a minute unless said). */
  isLimited(limits: RateLimit[], windowSeconds?: number): Promise<boolean>;
  /** Counts one event for each key in the current window. */
  count(keys: string[], windowSeconds?: number): Promise<void>;
}

export function createRateLimiter(store: RateCounterStore, now: () => number = Date.now): RateLimiter {
  const windowOf = (seconds: number) => new Date(Math.floor(now() / (seconds * 1000)) * seconds * 1000);
  return {
    async isLimited(limits, windowSeconds = 60) {
      const counts = await store.read(limits.map((l) => l.key), windowOf(windowSeconds));
      return limits.some((l) => (counts.get(l.key) ?? 0) >= l.limit);
    },
    count: (keys, windowSeconds = 60) => store.increment(keys, windowOf(windowSeconds)),
  };
}
