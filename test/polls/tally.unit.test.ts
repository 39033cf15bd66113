import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSmallSample, percentages } from '../../src/lib/polls/tally.ts';

describe('percentages (largest remainder)', () => {
  it.each([
    ['the seed poll', [1, 1, 0, 1], [34, 33, 0, 33]],
    ['no votes', [0, 0, 0], [0, 0, 0]],
    ['one option takes all', [0, 7, 0], [0, 100, 0]],
    ['even split', [1, 1], [50, 50]],
    ['thirds, tie to the earliest', [1, 1, 1], [34, 33, 33]],
    ['sixths', [1, 1, 1, 1, 1, 1], [17, 17, 17, 17, 16, 16]],
    ['largest remainder wins over position', [1, 2, 4], [14, 29, 57]],
    ['exact shares need no rounding', [1, 3], [25, 75]],
    ['large counts', [333_333, 333_333, 333_334], [33, 33, 34]],
    ['a single option', [5], [100]],
  ])('%s: %j -> %j', (_name, counts, expected) => {
    expect(percentages(counts)).toEqual(expected);
  });

  const counts = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 10 });

  it('sums to exactly 100 whenever there are votes, and is all zero otherwise', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const p = percentages(c);
        const total = c.reduce((s, n) => s + n, 0);
        expect(p.reduce((s, n) => s + n, 0)).toBe(total === 0 ? 0 : 100);
        expect(p.every((n) => Number.isInteger(n) && n >= 0 && n <= 100)).toBe(true);
      }),
    );
  });

  it('never ranks a smaller count above a larger one, and keeps equal counts within one point', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const p = percentages(c);
        for (let i = 0; i < c.length; i++) {
          for (let j = 0; j < c.length; j++) {
            if ((c[i] ?? 0) > (c[j] ?? 0)) expect(p[i]).toBeGreaterThanOrEqual(p[j] ?? 0);
            if (c[i] === c[j]) expect(Math.abs((p[i] ?? 0) - (p[j] ?? 0))).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('stays within one point of the exact share', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const total = c.reduce((s, n) => s + n, 0);
        fc.pre(total > 0);
        percentages(c).forEach((p, i) => expect(Math.abs(p - ((c[i] ?? 0) * 100) / total)).toBeLessThan(1));
      }),
    );
  });
});

describe('isSmallSample', () => {
  it.each([
    [0, true],
    [29, true],
    [30, false],
  ])('%i votes -> %s', (n, small) => expect(isSmallSample(n)).toBe(small));
});
