import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  periodOf,
  rewardsByPeriod,
  rewardsToExchange,
  type Outflow,
  type RewardPayment,
} from '../../src/lib/flows/rewards.ts';

const DAY = 86_400_000;
const at = (iso: string): number => Date.parse(iso);

describe('periods', () => {
  it.each([
    ['2026-11-30T23:59:59Z', 'day', '2026-11-30', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['2026-11-30T12:00:00Z', 'month', '2026-11', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['2026-12-31T23:00:00Z', 'month', '2026-12', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    // A Monday starts its week; the Sunday before belongs to the week before.
    ['2026-11-30T00:00:00Z', 'week', '2026-W49', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z'],
    ['2026-11-29T23:59:59Z', 'week', '2026-W48', '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z'],
    // ISO years: 1 January 2026 is a Thursday (week 1); 1 January 2027 a Friday (still 2026's week 53).
    ['2026-01-01T08:00:00Z', 'week', '2026-W01', '2025-12-29T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['2027-01-01T08:00:00Z', 'week', '2026-W53', '2026-12-28T00:00:00Z', '2027-01-04T00:00:00Z'],
  ] as const)('%s falls in the %s %s', (time, period, key, start, end) => {
    expect(periodOf(at(time), period)).toEqual({ key, start: at(start), end: at(end) });
  });
});

const pay = (to: string, amount: bigint, time: number, order: number): RewardPayment => ({ to, amount, time, order });

describe('rewards by period', () => {
  it('counts a week of rewards: paid, recipients, top ten, Gini, median, below the floor, and marks it incomplete', () => {
    const monday = at('2026-11-30T00:00:00Z');
    const payments = [
      pay('a', 60n, monday + DAY, 1),
      pay('a', 40n, monday + 2 * DAY, 2),
      pay('b', 30n, monday + DAY, 3),
      pay('c', 10n, monday + 3 * DAY, 4),
    ];
    const [week] = rewardsByPeriod(payments, 'week', 35n, monday + 4 * DAY);
    expect(week).toMatchObject({
      key: '2026-W49',
      incomplete: true,
      paid: 140n,
      recipients: 3,
      top10Share: 1,
      median: 30n,
      belowFloor: 2,
      floor: 35n,
    });
    // Gini of 100, 30, 10: Σ|xi − xj| over pairs both ways = 2·(70 + 90 + 20) = 360; ÷ (2 · 3 · 140) = 0.428…
    expect(week?.gini).toBeCloseTo(360 / (2 * 3 * 140), 12);
    // The floor is a week's: a day is a seventh of it, a month its days' worth.
    expect(rewardsByPeriod(payments, 'day', 35n, monday + 30 * DAY)[0]).toMatchObject({ floor: 5n, incomplete: false });
    expect(rewardsByPeriod(payments, 'month', 35n, monday + 60 * DAY)[0]).toMatchObject({
      key: '2026-12',
      floor: (35n * 31n) / 7n,
    });
  });

  it('agrees with a brute force for any payments (property)', () => {
    const start = at('2026-10-01T00:00:00Z');
    const payment = fc.record({
      to: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'),
      amount: fc.bigInt({ min: 1n, max: 10n ** 21n }),
      time: fc.integer({ min: start, max: start + 60 * DAY }),
    });
    fc.assert(
      fc.property(
        fc.array(payment, { minLength: 1, maxLength: 80 }),
        fc.constantFrom('day', 'week', 'month'),
        (ps, period) => {
          const payments = ps.map((p, i) => ({ ...p, order: i }));
          const figures = rewardsByPeriod(payments, period, 10n ** 18n, start + 90 * DAY);
          expect(figures.reduce((sum, f) => sum + f.paid, 0n)).toBe(payments.reduce((sum, p) => sum + p.amount, 0n));
          for (const f of figures) {
            const received = new Map<string, bigint>();
            for (const p of payments) {
              if (p.time >= f.start && p.time < f.end) received.set(p.to, (received.get(p.to) ?? 0n) + p.amount);
            }
            const xs = [...received.values()].sort((a, b) => (a < b ? -1 : 1));
            expect(f.recipients).toBe(xs.length);
            expect(f.median).toBe(xs[Math.floor((xs.length - 1) / 2)]);
            const total = Number(f.paid);
            let pairs = 0;
            for (const x of xs) for (const y of xs) pairs += Math.abs(Number(x) - Number(y));
            expect(f.gini).toBeCloseTo(pairs / (2 * xs.length * total), 9);
            const top = xs.slice(-10).reduce((sum, x) => sum + x, 0n);
            expect(f.top10Share).toBeCloseTo(Number(top) / total, 8);
            expect(f.belowFloor).toBe(xs.filter((x) => x < f.floor).length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('rewards that reach an exchange', () => {
  const t0 = at('2026-11-02T00:00:00Z'); // a Monday
  const sell = (from: string, amount: bigint, time: number, order: number): Outflow => ({ from, amount, time, order });

  it('matches a recipient’s sales to its rewards oldest first, never beyond what it received', () => {
    const payments = [pay('a', 100n, t0, 1), pay('a', 50n, t0 + DAY, 2), pay('b', 80n, t0, 3)];
    // a sells 120 two days on: the first reward whole, 20 of the second; b sells 500, of which 80 were rewards.
    const sales = [sell('a', 120n, t0 + 2 * DAY, 4), sell('b', 500n, t0 + 3 * DAY, 5)];
    const [week] = rewardsToExchange(payments, sales, 'week', 7, t0 + 60 * DAY);
    expect(week).toMatchObject({ key: '2026-W45', reached: 200n, known: 230n, pending: 0n });
    expect(week?.share).toBeCloseTo(200 / 230, 8);
  });

  it('counts a sale exactly the window after payment, not one a moment later, nor one before the payment', () => {
    const payments = [pay('a', 10n, t0, 2), pay('b', 10n, t0, 3), pay('c', 10n, t0, 5)];
    const sales = [
      sell('a', 10n, t0 + 7 * DAY, 10),
      sell('b', 10n, t0 + 7 * DAY + 1, 11),
      // c sold before it was paid (an earlier log): those tokens were not this reward.
      sell('c', 10n, t0, 4),
    ];
    const [week] = rewardsToExchange(payments, sales, 'week', 7, t0 + 60 * DAY);
    expect(week?.reached).toBe(10n);
    expect(week?.known).toBe(30n);
  });

  it('leaves payments younger than the window as not yet known, never as kept', () => {
    const now = t0 + 10 * DAY;
    const payments = [pay('a', 10n, t0, 1), pay('a', 10n, now - DAY, 2)];
    const figures = rewardsToExchange(payments, [], 'week', 7, now);
    expect(figures).toEqual([
      { key: '2026-W45', reached: 0n, known: 10n, pending: 0n, share: 0 },
      { key: '2026-W46', reached: 0n, known: 0n, pending: 10n, share: null },
    ]);
  });
});
