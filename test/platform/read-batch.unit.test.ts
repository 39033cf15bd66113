import { describe, expect, it } from 'vitest';
import { ReadBatch } from '../../src/lib/platform/caching/read-batch.ts';

describe('ReadBatch', () => {
  it('answers the lookups of one turn with one load of their distinct keys', async () => {
    const loads: string[][] = [];
    const batch = new ReadBatch(async (keys: string[]) => {
      loads.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
    });
    const answers = await Promise.all([batch.get('a'), batch.get('b'), batch.get('a'), batch.get('missing')]);
    expect(answers).toEqual(['A', 'B', 'A', undefined]);
    expect(loads).toEqual([['a', 'b', 'missing']]);
    // A later turn gets a load of its own.
    expect(await batch.get('c')).toBe('C');
    expect(loads).toEqual([['a', 'b', 'missing'], ['c']]);
  });

  it('rejects every lookup of a failed load, and the next turn loads again', async () => {
    let fail = true;
    const batch = new ReadBatch(async (keys: number[]) => {
      if (fail) throw new Error('database unavailable');
      return new Map(keys.map((k) => [k, k * 2]));
    });
    const results = await Promise.allSettled([batch.get(1), batch.get(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batch.get(3)).toBe(6);
  });
});
