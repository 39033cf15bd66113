import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEFORE_FIRST_SNAPSHOT, dayNet, exchangeDays, type Venue } from '../../src/lib/flows/exchanges.ts';
import type { TimedTransfer } from '../../src/lib/flows/unlock-windows.ts';

const DAY = 86_400_000;
const MONDAY = Date.parse('2026-11-30T00:00:00Z');
const CEX = 'cex';
const POOL = 'pool';
const venues = new Map<string, Venue>([
  [CEX, 'exchange'],
  [POOL, 'lp'],
  ['cex2', 'exchange'],
]);
const groups: Record<string, string> = { whale: 'whale', shrimp: 'shrimp' };
const groupAt = (address: string, t: TimedTransfer): string =>
  t.time < MONDAY ? BEFORE_FIRST_SNAPSHOT : (groups[address] ?? 'new');

let order = 0;
const move = (from: string, to: string, amount: bigint, time: number): TimedTransfer => ({
  from,
  to,
  amount,
  time,
  order: ++order,
});

describe('exchange days', () => {
  it('splits each UTC day’s inflow and outflow by the other side’s group and by venue, leaving out venue to venue', () => {
    const days = exchangeDays({
      transfers: [
        move('shrimp', CEX, 10n, MONDAY + 1),
        move('whale', POOL, 5n, MONDAY + 2),
        move(CEX, 'whale', 40n, MONDAY + DAY - 1),
        move(CEX, 'cex2', 1_000n, MONDAY + 3),
        move('fresh', CEX, 7n, MONDAY + DAY),
        move('shrimp', 'whale', 99n, MONDAY + 4),
        move('early', CEX, 3n, MONDAY - 1),
      ],
      venues,
      groupAt,
    });
    expect(days.map((d) => d.day)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    const [before, first, second] = days;
    expect(Object.fromEntries(before?.inflow ?? [])).toEqual({ [BEFORE_FIRST_SNAPSHOT]: 3n });
    expect(Object.fromEntries(first?.inflow ?? [])).toEqual({ shrimp: 10n, whale: 5n });
    expect(Object.fromEntries(first?.outflow ?? [])).toEqual({ whale: 40n });
    expect(first?.venues).toEqual({ exchange: { inflow: 10n, outflow: 40n }, lp: { inflow: 5n, outflow: 0n } });
    expect(first?.transfers).toBe(3);
    expect(first && dayNet(first)).toBe(-25n);
    expect(Object.fromEntries(second?.inflow ?? [])).toEqual({ new: 7n });
  });

  it('adds up, per day, to every venue transfer’s amount, and the groups to the venues', () => {
    const address = fc.constantFrom(CEX, POOL, 'cex2', 'whale', 'shrimp', 'fresh');
    const transfer = fc.record({
      from: address,
      to: address,
      amount: fc.bigInt({ min: 1n, max: 10_000n }),
      time: fc.integer({ min: MONDAY - 2 * DAY, max: MONDAY + 5 * DAY }),
    });
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 60 }), (raw) => {
        const transfers = raw.map((t, i) => ({ ...t, order: i }));
        const days = exchangeDays({ transfers, venues, groupAt });
        const crossing = transfers.filter((t) => venues.has(t.from) !== venues.has(t.to));
        const total = (side: 'inflow' | 'outflow') =>
          days.reduce((s, d) => s + [...d[side].values()].reduce((a, b) => a + b, 0n), 0n);
        const venueTotal = (side: 'inflow' | 'outflow') =>
          days.reduce((s, d) => s + d.venues.exchange[side] + d.venues.lp[side], 0n);
        const inflow = crossing.filter((t) => venues.has(t.to)).reduce((s, t) => s + t.amount, 0n);
        const outflow = crossing.filter((t) => venues.has(t.from)).reduce((s, t) => s + t.amount, 0n);
        expect(total('inflow')).toBe(inflow);
        expect(total('outflow')).toBe(outflow);
        expect(venueTotal('inflow')).toBe(inflow);
        expect(venueTotal('outflow')).toBe(outflow);
        expect(days.reduce((s, d) => s + d.transfers, 0)).toBe(crossing.length);
        return true;
      }),
    );
  });
});
