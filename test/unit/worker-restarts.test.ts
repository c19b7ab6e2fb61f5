// How long the primary waits before forking again a worker that died: a crash loop must not spin a core, and a
// worker that had run steadily is replaced at once.
import { restartDelaySeconds } from '../../src/cluster.js';

const policy = { restartFirstDelaySeconds: 1, restartMaxDelaySeconds: 30, drainTimeoutSeconds: 30 };

describe('restartDelaySeconds', () => {
  it('waits the first delay after one death', () => {
    expect(restartDelaySeconds(1, policy)).toBe(1);
  });

  it('doubles the wait with each quick death in a row', () => {
    expect([2, 3, 4, 5].map((deaths) => restartDelaySeconds(deaths, policy))).toEqual([2, 4, 8, 16]);
  });

  it('never waits longer than the most it is allowed', () => {
    expect(restartDelaySeconds(6, policy)).toBe(30);
    expect(restartDelaySeconds(1000, policy)).toBe(30);
  });
});
