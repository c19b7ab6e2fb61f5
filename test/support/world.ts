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
 * How long a world may take to start or stop. A start makes a database, starts a server and builds the
 * world's communes, sites and citizens (argon2 hashes): a few seconds on a quiet machine, many times that
 * when the machine is shared with other suites, which must not fail a file.
 */
export const WORLD_HOOK_TIMEOUT_MS = 120_000;

/**
 * Registers the file's beforeAll/afterAll for `start` and answers a handle on the world it starts: `world.x`
 * reads the started world's `x`, and reading it outside the file's tests (before the start) is an error.
 * Its afterAll stops it and, before it, every world started after it that is still running. When the start
 * failed, there is nothing to stop and the start's own error is the one jest reports; when it outlived its
 * hook's timeout, afterAll waits for it to end and then stops what it started.
 */
export function useWorld<W extends Stoppable>(start: () => Promise<W>, timeoutMs = WORLD_HOOK_TIMEOUT_MS): W {
  let started: W | undefined;
  let starting: Promise<unknown> | undefined;
  beforeAll(async () => {
    starting = start().then((world) => {
      started = world;
      running.push(world);
    });
    await starting;
  }, timeoutMs);
  afterAll(async () => {
    await starting?.catch(() => undefined); // its failure is beforeAll's to report
    const index = started ? running.indexOf(started) : -1;
    if (index < 0) return;
    // Every world is stopped even when one fails to; the first failure is then reported.
    const failures: unknown[] = [];
    for (const world of running.splice(index).reverse()) {
      await world.stop().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }, timeoutMs);
  return new Proxy({} as W, {
    get(_handle, key) {
      if (!started) throw new Error(`the test world is read before it started (${String(key)})`);
      return Reflect.get(started, key);
    },
  });
}
