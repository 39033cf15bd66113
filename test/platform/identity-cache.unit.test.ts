import { describe, expect, it } from 'vitest';
import { IdentityCache } from '../../src/lib/platform/caching/identity.ts';

describe('IdentityCache', () => {
  it('works a value out once per record, and again for a copy (another key, never a stale answer)', () => {
    const cache = new IdentityCache<{ votes: number }, string>();
    let derived = 0;
    const derive = (record: { votes: number }): string => `${record.votes} votes (${++derived})`;
    const record = { votes: 3 };
    expect(cache.getOrDerive(record, derive)).toBe('3 votes (1)');
    expect(cache.getOrDerive(record, derive)).toBe('3 votes (1)');
    const copy = { ...record, votes: 4 };
    expect(cache.getOrDerive(copy, derive)).toBe('4 votes (2)');
    expect(cache.get(record)).toBe('3 votes (1)');
  });

  it('refuses a change in place to a record it keeps something for, instead of serving the old answer', () => {
    const cache = new IdentityCache<{ votes: number }, number>();
    const record = { votes: 3 };
    cache.set(record, 3);
    expect(() => {
      record.votes = 4;
    }).toThrow(TypeError);
    expect(record.votes).toBe(3);
    expect(cache.get(record)).toBe(3);
  });

  it('keeps nothing for a record it was never given', () => {
    expect(new IdentityCache<object, number>().get({})).toBeUndefined();
  });
});
