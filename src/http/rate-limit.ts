// Fixed-window rate limits whose counters live in the database, so that every instance counts together.
export type CountHit = (key: string, windowStart: Date) => Promise<number>;

export interface RateLimiter {
  /** Counts an attempt; answers false when the limit of this window is passed. */
  allow(key: string, limit: number, windowSeconds?: number): Promise<boolean>;
}

export function createRateLimiter(countHit: CountHit, now: () => number = Date.now): RateLimiter {
  return {
    async allow(key, limit, windowSeconds = 60) {
      const windowMs = windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now() / windowMs) * windowMs);
      return (await countHit(key, windowStart)) <= limit;
    },
  };
}
