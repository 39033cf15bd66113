import { describe, expect, it, vi } from 'vitest';
import { databaseErrorReason } from '../../src/lib/platform/db/db.server.ts';
import { SharedReads } from '../../src/lib/platform/caching/shared-reads.ts';
import { TtlCache } from '../../src/lib/platform/caching/ttl-cache.ts';
import { isVoterId, newVoterId, voterCookieHeader, voterIdFromCookieHeader } from '../../src/lib/polls/voter.ts';

describe('voter ids', () => {
  it('are the time in hex then at least 128 random bits in base64url, all different, across pool refills', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    const ids = Array.from({ length: 5000 }, () => newVoterId(now));
    expect(ids.every(isVoterId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]?.slice(0, 12)).toBe(now.toString(16).padStart(12, '0'));
    expect(Buffer.from(ids[0]?.slice(12) ?? '', 'base64url')).toHaveLength(16);
  });

  it('sort in the order they were made, whatever their random part', () => {
    const start = Date.parse('2026-12-02T06:00:00Z');
    const ids = Array.from({ length: 1000 }, (_, i) => newVoterId(start + i));
    expect([...ids].sort()).toEqual(ids);
  });

  it.each([
    ['voter=AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAA'],
    ['a=1; voter=AAAAAAAAAAAAAAAAAAAAAA; b=2', 'AAAAAAAAAAAAAAAAAAAAAA'],
    ['voter=019d5e4a8c00AAAAAAAAAAAAAAAAAAAAAA', '019d5e4a8c00AAAAAAAAAAAAAAAAAAAAAA'],
    ['voter=019D5E4A8C00AAAAAAAAAAAAAAAAAAAAAA', null],
    ['voter=019d5e4a8cAAAAAAAAAAAAAAAAAAAAAA', null],
    ['voter=short', null],
    ['voter=<script>alert(1)</script>', null],
    ['', null],
    [undefined, null],
  ])('reads %j as %j', (header, id) => expect(voterIdFromCookieHeader(header)).toBe(id));

  it('sets the cookie HttpOnly, SameSite=Lax, a year long, Secure only on https', () => {
    expect(voterCookieHeader('X', false)).toBe('voter=X; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax');
    expect(voterCookieHeader('X', true)).toMatch(/; Secure$/);
  });
});

describe('TtlCache', () => {
  it('loads once per key within the time limit, again after it, and never caches a miss', async () => {
    let now = 0;
    const cache = new TtlCache<string>(1000, () => now);
    const load = vi.fn(async (key: string) => (key === 'missing' ? null : `value of ${key}`));
    expect(await cache.get('a', load)).toBe('value of a');
    expect(await cache.get('a', load)).toBe('value of a');
    expect(load).toHaveBeenCalledTimes(1);
    now = 1001;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
    await cache.get('missing', load);
    await cache.get('missing', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('shares one load among the callers that ask while it runs, and its value among their answers', async () => {
    let now = 0;
    const cache = new TtlCache<{ key: string }>(1000, () => now);
    let release = (): void => {};
    const load = vi.fn(async (key: string) => {
      await new Promise<void>((resolve) => (release = resolve));
      return { key };
    });
    const asked = [cache.get('a', load), cache.get('a', load), cache.get('a', load)];
    release();
    const [first, ...rest] = await Promise.all(asked);
    expect(load).toHaveBeenCalledTimes(1);
    for (const value of rest) expect(value).toBe(first);
    now = 1001;
    const again = [cache.get('a', load), cache.get('a', load)];
    release();
    const [fresh, same] = await Promise.all(again);
    expect(load).toHaveBeenCalledTimes(2);
    expect(fresh).not.toBe(first);
    expect(same).toBe(fresh);
  });

  it('gives every waiting caller a failed load, and loads again on the next ask', async () => {
    const cache = new TtlCache<string>(1000, () => 0);
    const failing = vi.fn(async () => Promise.reject(new Error('database gone')));
    const asked = [cache.get('a', failing), cache.get('a', failing)];
    for (const result of await Promise.allSettled(asked)) {
      expect(result).toMatchObject({ status: 'rejected', reason: { message: 'database gone' } });
    }
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await cache.get('a', async () => 'back')).toBe('back');
  });
});

describe('databaseErrorReason', () => {
  it.each<[string, unknown, string]>([
    ['a plain error', new Error('boom'), 'boom'],
    [
      "drizzle's wrapper around the driver's error",
      new Error('Failed query: CREATE TABLE ...', {
        cause: Object.assign(new Error('Server returned HTTP status 401'), { code: 'SERVER_ERROR' }),
      }),
      'SERVER_ERROR: Server returned HTTP status 401',
    ],
    [
      'a code already in the message',
      new Error('x', { cause: Object.assign(new Error('ECONNREFUSED: connect'), { code: 'ECONNREFUSED' }) }),
      'ECONNREFUSED: connect',
    ],
    ['not an Error', 'text', 'text'],
  ])('%s', (_name, error, expected) => {
    expect(databaseErrorReason(error)).toBe(expected);
  });
});

describe('SharedReads', () => {
  function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
    const handles: { resolve?: (v: T) => void; reject?: (e: unknown) => void } = {};
    const promise = new Promise<T>((resolve, reject) => Object.assign(handles, { resolve, reject }));
    return { promise, resolve: (v) => handles.resolve?.(v), reject: (e) => handles.reject?.(e) };
  }

  it('lets overlapping reads of one key share a query, and starts afresh once it has settled', async () => {
    const reads = new SharedReads<number>();
    const pending: Record<string, ReturnType<typeof deferred<number>>> = { p: deferred(), q: deferred() };
    const load = vi.fn(
      (key: string) => (load.mock.calls.length <= 2 ? pending[key]?.promise : null) ?? Promise.resolve(0),
    );
    const a = reads.get('p', load);
    const b = reads.get('p', load);
    const other = reads.get('q', load);
    expect(load.mock.calls.map(([key]) => key)).toEqual(['p', 'q']);
    pending.p?.resolve(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    pending.q?.resolve(1);
    await other;
    await reads.get('p', load);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('never hands a read a query that began before a write of this process', async () => {
    const reads = new SharedReads<string>();
    const before = deferred<string>();
    const load = vi.fn((key: string) =>
      key === 'p' && load.mock.calls.length === 1 ? before.promise : Promise.resolve('after'),
    );
    const early = reads.get('p', load);
    reads.written();
    const late = reads.get('p', load);
    before.resolve('before');
    expect([await early, await late]).toEqual(['before', 'after']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('passes a failure to every reader sharing it, and does not keep it', async () => {
    const reads = new SharedReads<number>();
    const failing = deferred<number>();
    const load = vi.fn((key: string) =>
      key === 'p' && load.mock.calls.length === 1 ? failing.promise : Promise.resolve(2),
    );
    const a = reads.get('p', load);
    const b = reads.get('p', load);
    failing.reject(new Error('database unavailable'));
    await expect(a).rejects.toThrow('database unavailable');
    await expect(b).rejects.toThrow('database unavailable');
    expect(await reads.get('p', load)).toBe(2);
  });
});
