// One world per test file: started before its tests, stopped after them, read through the returned handle.

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Registers the file's beforeAll/afterAll for `start` and answers a handle on the world it starts: `world.x`
 * reads the started world's `x`, and reading it outside the file's tests (before the start) is an error.
 */
export function useWorld<W extends Stoppable>(start: () => Promise<W>, timeoutMs = 60_000): W {
  let started: W | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as W, {
    get(_handle, key) {
      if (!started) throw new Error(`the test world is read before it started (${String(key)})`);
      return Reflect.get(started, key);
    },
  });
}
