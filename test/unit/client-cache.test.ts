import { jest } from '@jest/globals';
import { createClientCache } from '../../src/registry/client-cache.js';

const TTL_SECONDS = 60;

function aCacheWithClock() {
  let nowMs = 1_000_000;
  const cache = createClientCache<{ name: string }>(TTL_SECONDS, () => nowMs);
  return { cache, advance: (ms: number) => (nowMs += ms) };
}

describe('client cache', () => {
  it('loads a client once and serves it from memory within the TTL', async () => {
    const { cache, advance } = aCacheWithClock();
    const load = jest.fn(async () => ({ name: 'lyon.fr' }));
    expect(await cache.get('lyon-1', load)).toEqual({ name: 'lyon.fr' });
    advance(TTL_SECONDS * 1000 - 1);
    expect(await cache.get('lyon-1', load)).toEqual({ name: 'lyon.fr' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again once the TTL has passed', async () => {
    const { cache, advance } = aCacheWithClock();
    let version = 0;
    const load = jest.fn(async () => ({ name: `v${++version}` }));
    await cache.get('lyon-1', load);
    advance(TTL_SECONDS * 1000);
    expect(await cache.get('lyon-1', load)).toEqual({ name: 'v2' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not remember an unknown client, so a new one is found at once', async () => {
    const { cache } = aCacheWithClock();
    const load = jest
      .fn<() => Promise<{ name: string } | undefined>>()
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce({ name: 'new' });
    expect(await cache.get('lyon-2', load)).toBeUndefined();
    expect(await cache.get('lyon-2', load)).toEqual({ name: 'new' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps clients apart', async () => {
    const { cache } = aCacheWithClock();
    await cache.get('lyon-1', async () => ({ name: 'lyon' }));
    expect(await cache.get('bron-1', async () => ({ name: 'bron' }))).toEqual({ name: 'bron' });
  });

  it('forgets one client on invalidate(clientId)', async () => {
    const { cache } = aCacheWithClock();
    await cache.get('lyon-1', async () => ({ name: 'old' }));
    await cache.get('bron-1', async () => ({ name: 'bron' }));
    cache.invalidate('lyon-1');
    expect(await cache.get('lyon-1', async () => ({ name: 'new' }))).toEqual({ name: 'new' });
    expect(await cache.get('bron-1', async () => ({ name: 'reloaded' }))).toEqual({ name: 'bron' });
  });

  it('forgets every client on invalidate()', async () => {
    const { cache } = aCacheWithClock();
    await cache.get('lyon-1', async () => ({ name: 'old' }));
    await cache.get('bron-1', async () => ({ name: 'old' }));
    cache.invalidate();
    expect(await cache.get('lyon-1', async () => ({ name: 'new' }))).toEqual({ name: 'new' });
    expect(await cache.get('bron-1', async () => ({ name: 'new' }))).toEqual({ name: 'new' });
  });
});
