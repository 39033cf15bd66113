import { describe, expect, it } from 'vitest';
import { memoized } from '../../src/lib/platform/caching/memo.ts';

describe('memoized', () => {
  it('makes one value per key, on first use, and gives that same value after', () => {
    const made: string[] = [];
    const of = memoized((key: string) => {
      made.push(key);
      return { key };
    });
    expect(made).toEqual([]);
    const en = of('en');
    expect(of('en')).toBe(en);
    expect(of('zh')).not.toBe(en);
    expect(made).toEqual(['en', 'zh']);
  });

  it('keeps a value that is undefined rather than making it again', () => {
    let calls = 0;
    const of = memoized((key: number) => {
      expect(key).toBe(1);
      calls++;
      return undefined;
    });
    of(1);
    of(1);
    expect(calls).toBe(1);
  });
});
