import { describe, expect, it, vi } from 'vitest';
import { CountsCache } from '../../src/lib/polls/counts-cache.ts';

interface Counts {
  version: number;
  total: number;
}

/** A database stand-in whose answers the test sets, with a clock the test moves. */
function setup(): {
  cache: CountsCache<Counts>;
  stored: Map<string, Counts>;
  load: ReturnType<typeof vi.fn<(id: string) => Promise<Counts | null>>>;
  clock: { now: number };
} {
  const stored = new Map<string, Counts>([['p', { version: 1, total: 10 }]]);
  const clock = { now: 1_000 };
  const load = vi.fn((id: string) => Promise.resolve(stored.get(id) ?? null));
  const cache = new CountsCache<Counts>(load, { maxAgeMs: 250, now: () => clock.now });
  return { cache, stored, load, clock };
}

describe('CountsCache', () => {
  it('answers from memory within maxAgeMs and asks again after it', async () => {
    const { cache, stored, load, clock } = setup();
    expect(await cache.get('p')).toEqual({ version: 1, total: 10 });
    stored.set('p', { version: 2, total: 11 });
    clock.now += 249;
    expect(await cache.get('p')).toEqual({ version: 1, total: 10 });
    expect(load).toHaveBeenCalledTimes(1);
    clock.now += 1;
    expect(await cache.get('p')).toEqual({ version: 2, total: 11 });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('serves a write made here at once, without a read', async () => {
    const { cache, load } = setup();
    await cache.get('p');
    cache.offer('p', { version: 2, total: 11 });
    expect(await cache.get('p')).toEqual({ version: 2, total: 11 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reads again when a reader needs a newer version than it holds (a ballot cast elsewhere)', async () => {
    const { cache, stored, load } = setup();
    await cache.get('p');
    stored.set('p', { version: 5, total: 14 });
    expect(await cache.get('p', 5)).toEqual({ version: 5, total: 14 });
    expect(load).toHaveBeenCalledTimes(2);
    expect(await cache.get('p', 3)).toEqual({ version: 5, total: 14 });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never goes back: a read that began before a write cannot replace its counts', async () => {
    const { cache, stored, load } = setup();
    let release: (c: Counts) => void = () => {};
    load.mockImplementationOnce(() => new Promise<Counts>((resolve) => (release = resolve)));
    const early = cache.get('p');
    cache.offer('p', { version: 3, total: 12 });
    release({ version: 2, total: 11 });
    expect(await early).toEqual({ version: 3, total: 12 });
    stored.set('p', { version: 2, total: 11 });
    expect(await cache.get('p')).toEqual({ version: 3, total: 12 });
  });

  it('goes to the database after forget, and keeps no entry for an unknown poll', async () => {
    const { cache, stored, load } = setup();
    await cache.get('p');
    stored.set('p', { version: 2, total: 11 });
    cache.forget('p');
    expect(await cache.get('p')).toEqual({ version: 2, total: 11 });
    expect(await cache.get('nope')).toBeNull();
    expect(await cache.get('nope')).toBeNull();
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('keeps the object it holds when a reload finds the same version, and replaces it for a newer one', async () => {
    const { cache, stored, load, clock } = setup();
    const first = await cache.get('p');
    stored.set('p', { version: 1, total: 10 });
    clock.now += 250;
    const same = await cache.get('p');
    expect(load).toHaveBeenCalledTimes(2);
    expect(same).toBe(first);
    // The reload counted as a check: the next read within maxAgeMs needs none.
    clock.now += 249;
    expect(await cache.get('p')).toBe(first);
    expect(load).toHaveBeenCalledTimes(2);
    stored.set('p', { version: 2, total: 11 });
    clock.now += 1;
    const newer = await cache.get('p');
    expect(newer).not.toBe(first);
    expect(newer).toEqual({ version: 2, total: 11 });
  });

  it('peeks at fresh counts without loading, and answers undefined where get would ask the database', async () => {
    const { cache, load, clock } = setup();
    expect(cache.peek('p')).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
    const held = await cache.get('p');
    expect(cache.peek('p')).toBe(held);
    // A reader whose ballot is at a newer version than held must not be served from memory.
    expect(cache.peek('p', 2)).toBeUndefined();
    clock.now += 250;
    expect(cache.peek('p')).toBeUndefined();
    cache.offer('p', { version: 3, total: 12 });
    expect(cache.peek('p', 3)).toEqual({ version: 3, total: 12 });
    cache.forget('p');
    expect(cache.peek('p')).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
  });
});
