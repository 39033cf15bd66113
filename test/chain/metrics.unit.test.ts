import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortOf, COHORTS, distributionMetrics } from '../../src/lib/chain/metrics.ts';

const DEFAULT = { whale: 0.1, dolphin: 0.01, fish: 0.001 };

describe('distributionMetrics, against hand-computed cases', () => {
  it('equal holders: no inequality', () => {
    const m = distributionMetrics([25, 25, 25, 25], DEFAULT);
    expect(m).toMatchObject({ holderCount: 4, supply: 100, top1Share: 0.25, top10Share: 1, gini: 0, nakamoto: 3 });
    expect(m.hhi).toBeCloseTo(0.25, 12);
  });

  it('50/30/20', () => {
    // Ascending 20,30,50: Σ i·x = 20 + 60 + 150 = 230; G = 2·230/(3·100) − 4/3 = 1.5333 − 1.3333 = 0.2
    const m = distributionMetrics([50, 30, 20], DEFAULT);
    expect(m.gini).toBeCloseTo(0.2, 12);
    expect(m.hhi).toBeCloseTo(0.25 + 0.09 + 0.04, 12);
    expect(m.top1Share).toBe(0.5);
    // 50 alone is not more than half; 50 + 30 is.
    expect(m.nakamoto).toBe(2);
  });

  it('one holder with everything among many empty addresses', () => {
    const m = distributionMetrics([0, 0, 1000, 0], DEFAULT);
    expect(m).toMatchObject({ holderCount: 1, gini: 0, hhi: 1, nakamoto: 1, top1Share: 1 });
  });

  it('a whale among ten thousand shrimp', () => {
    const balances = [1_000_000, ...Array.from({ length: 10_000 }, () => 1)];
    const m = distributionMetrics(balances, DEFAULT);
    expect(m.top1Share).toBeCloseTo(1_000_000 / 1_010_000, 12);
    expect(m.nakamoto).toBe(1);
    expect(m.cohorts.whale.holders).toBe(1);
    // 1 / 1,010,000 is below 0.001% (1e-5): every small holder is shrimp.
    expect(m.cohorts.shrimp.holders).toBe(10_000);
    expect(m.gini).toBeGreaterThan(0.98);
  });

  it('nobody holding anything', () => {
    expect(distributionMetrics([], DEFAULT)).toMatchObject({ holderCount: 0, supply: 0, gini: 0, nakamoto: 0 });
  });

  it('top-10 and top-100 shares', () => {
    const balances = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200, total 20,100
    const m = distributionMetrics(balances, DEFAULT);
    const top10 = Array.from({ length: 10 }, (_, i) => 200 - i).reduce((a, b) => a + b, 0);
    const top100 = Array.from({ length: 100 }, (_, i) => 200 - i).reduce((a, b) => a + b, 0);
    expect(m.top10Share).toBeCloseTo(top10 / 20_100, 12);
    expect(m.top100Share).toBeCloseTo(top100 / 20_100, 12);
    expect(m.lorenz[0]).toBe(0);
    expect(m.lorenz[100]).toBeCloseTo(1, 12);
    expect(m.lorenz[50]).toBeCloseTo((100 * 101) / 2 / 20_100, 12);
  });
});

describe('cohortOf', () => {
  it.each([
    [0.001, 'whale'],
    [0.000999, 'dolphin'],
    [0.0001, 'dolphin'],
    [0.00001, 'fish'],
    [0.0000099, 'shrimp'],
  ] as const)('%f of supply -> %s', (share, cohort) => expect(cohortOf(share, DEFAULT)).toBe(cohort));
});

describe('properties', () => {
  const balances = fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 300 });

  it('Gini lies in [0, 1), HHI in (0, 1], shares and cohorts add up to 1, Lorenz never decreases', () => {
    fc.assert(
      fc.property(balances, (values) => {
        const m = distributionMetrics(values, DEFAULT);
        fc.pre(m.holderCount > 0);
        expect(m.gini).toBeGreaterThanOrEqual(0);
        expect(m.gini).toBeLessThan(1);
        expect(m.hhi).toBeGreaterThan(0);
        expect(m.hhi).toBeLessThanOrEqual(1 + 1e-9);
        const shares = COHORTS.reduce((s, c) => s + m.cohorts[c].share, 0);
        expect(shares).toBeCloseTo(1, 9);
        expect(COHORTS.reduce((s, c) => s + m.cohorts[c].holders, 0)).toBe(m.holderCount);
        for (let i = 1; i < m.lorenz.length; i++)
          expect(m.lorenz[i] ?? 0).toBeGreaterThanOrEqual((m.lorenz[i - 1] ?? 0) - 1e-12);
        expect(m.top1Share).toBeLessThanOrEqual(m.top10Share + 1e-12);
        expect(m.top10Share).toBeLessThanOrEqual(m.top100Share + 1e-12);
        expect(m.nakamoto).toBeGreaterThanOrEqual(1);
        expect(m.nakamoto).toBeLessThanOrEqual(m.holderCount);
      }),
    );
  });

  it('does not depend on the order of holders', () => {
    fc.assert(
      fc.property(balances, (values) => {
        const a = distributionMetrics(values, DEFAULT);
        const b = distributionMetrics([...values].reverse(), DEFAULT);
        expect(b.gini).toBeCloseTo(a.gini, 9);
        expect(b.nakamoto).toBe(a.nakamoto);
      }),
    );
  });
});
