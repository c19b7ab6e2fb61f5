// One world per test file: started before its tests, stopped after them, read through the returned handle.

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The worlds of this test file still running, in the order they started (jest gives each file its own
 * modules). A world may stand on one started before it (an instance on another's database, a server behind
 * a relay), so the later ones stop first.
 */
const running: Stoppable[] = [];

/**
 * Registers the file's beforeAll/afterAll for `start` and answers a handle on the world it starts: `world.x`
 * reads the started world's `x`, and reading it outside the file's tests (before the start) is an error.
 * Its afterAll stops it and, before it, every world started after it that is still running.
 */
export function useWorld<W extends Stoppable>(start: () => Promise<W>, timeoutMs = 60_000): W {
  let started: W | undefined;
  beforeAll(async () => {
    started = await start();
    running.push(started);
  }, timeoutMs);
  afterAll(async () => {
    const index = started ? running.indexOf(started) : -1;
    if (index < 0) return;
    for (const world of running.splice(index).reverse()) await world.stop();
  });
  return new Proxy({} as W, {
    get(_handle, key) {
      if (!started) throw new Error(`the test world is read before it started (${String(key)})`);
      return Reflect.get(started, key);
    },
  });
}
