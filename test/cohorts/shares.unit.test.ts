import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentagesOfFloats, percentagesOfWeights } from '../../src/lib/cohorts/shares.ts';
import { percentages } from '../../src/lib/polls/tally.ts';

const sum = (ns: readonly number[]): number => ns.reduce((s, n) => s + n, 0);
const E18 = 10n ** 18n;

describe('percentagesOfWeights (bigint, largest remainder)', () => {
  it.each([
    ['the seed poll', [1n, 1n, 0n, 1n], [34, 33, 0, 33]],
    ['nothing weighed', [0n, 0n], [0, 0]],
    ['thirds, tie to the earliest', [1n, 1n, 1n], [34, 33, 33]],
    ['largest remainder wins over position', [1n, 2n, 4n], [14, 29, 57]],
    ['token amounts past 2^53', [333_333n * E18, 333_333n * E18, 333_334n * E18], [33, 33, 34]],
    // One base unit apart at 10^30: invisible to float64, decisive for the remainder.
    ['one base unit decides', [10n ** 30n, 10n ** 30n + 1n, 10n ** 30n], [33, 34, 33]],
    ['uint256-sized weights', [2n ** 255n, 2n ** 255n], [50, 50]],
  ])('%s', (_name, weights, expected) => {
    expect(percentagesOfWeights(weights)).toEqual(expected);
  });

  const weights = fc.array(fc.bigInt({ min: 0n, max: 2n ** 200n }), { minLength: 1, maxLength: 10 });

  it('sums to exactly 100 whenever something is weighed, else is all zero', () => {
    fc.assert(
      fc.property(weights, (w) => {
        const p = percentagesOfWeights(w);
        const total = w.reduce((s, n) => s + n, 0n);
        expect(sum(p)).toBe(total === 0n ? 0 : 100);
        expect(p.every((n) => Number.isInteger(n) && n >= 0 && n <= 100)).toBe(true);
      }),
    );
  });

  it('never ranks a smaller weight above a larger one, and stays within a point of the exact share', () => {
    fc.assert(
      fc.property(weights, (w) => {
        const p = percentagesOfWeights(w);
        const total = w.reduce((s, n) => s + n, 0n);
        w.forEach((wi, i) => {
          w.forEach((wj, j) => {
            if (wi > wj) expect(p[i]).toBeGreaterThanOrEqual(p[j] ?? 0);
          });
          // |p·total − w·100| < total
          if (total > 0n) {
            const diff = BigInt(p[i] ?? 0) * total - wi * 100n;
            expect(diff < total && -diff < total).toBe(true);
          }
        });
      }),
    );
  });

  it('is the method of plain percentages', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 10 }), (counts) => {
        expect(percentagesOfWeights(counts.map(BigInt))).toEqual(percentages(counts));
      }),
    );
  });
});

describe('percentagesOfFloats (square-root weights)', () => {
  it.each([
    ['equal irrationals', [Math.SQRT2, Math.SQRT2, 0], [50, 50, 0]],
    ['nothing', [0, 0], [0, 0]],
    ['thirds, tie to the earliest', [Math.PI, Math.PI, Math.PI], [34, 33, 33]],
    ['whole numbers round as plain results', [1, 2, 4], [14, 29, 57]],
    ['negative drift counts as nothing', [-1e-12, 3], [0, 100]],
    ['a single option', [0.0001], [100]],
    // Weights a few ulps apart: the larger one keeps the larger share (found by the property test below).
    ['near-equal weights', [999999999999.9995, 999999999999.9996, 998802828855.0238, 0], [33, 34, 33, 0]],
  ])('%s', (_name, weights, expected) => {
    expect(percentagesOfFloats(weights)).toEqual(expected);
  });

  const weights = fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 10 });

  it('sums to exactly 100 whenever something is weighed, never ranks a smaller weight higher, stays within a point', () => {
    fc.assert(
      fc.property(weights, (w) => {
        const p = percentagesOfFloats(w);
        const total = sum(w);
        expect(sum(p)).toBe(total === 0 ? 0 : 100);
        w.forEach((wi, i) => {
          w.forEach((wj, j) => {
            if (wi > wj) expect(p[i]).toBeGreaterThanOrEqual(p[j] ?? 0);
            // Equal weights: within a point, the earlier option first.
            if (wi === wj && i < j) expect([0, 1]).toContain((p[i] ?? 0) - (p[j] ?? 0));
          });
          if (total > 0) expect(Math.abs((p[i] ?? 0) - (wi * 100) / total)).toBeLessThan(1 + 1e-9);
        });
      }),
    );
  });
});
