import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceLedger,
  emptyLedger,
  ledgerFromJson,
  ledgerPeriods,
  ledgerToJson,
} from '../../src/lib/flows/reward-ledger.ts';
import {
  REWARD_PERIODS,
  rewardsByPeriod,
  rewardsToExchange,
  type Outflow,
  type RewardPayment,
} from '../../src/lib/flows/rewards.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');

/** Figure 2 in one pass over every transfer, as the rewards module defines it. */
function onePass(payments: RewardPayment[], sales: Outflow[], kind: (typeof REWARD_PERIODS)[number], asOf: number) {
  const floor = 50n;
  const reached = Object.fromEntries(
    ([7, 30] as const).map((days) => [
      `d${days}`,
      new Map(rewardsToExchange(payments, sales, kind, days, asOf).map((p) => [p.key, p])),
    ]),
  );
  return rewardsByPeriod(payments, kind, floor, asOf).map((p) => ({
    key: p.key,
    start: p.start,
    end: p.end,
    incomplete: p.incomplete,
    paid: p.paid.toString(),
    recipients: p.recipients,
    top10Share: p.top10Share,
    gini: p.gini,
    median: p.median.toString(),
    belowFloor: p.belowFloor,
    floor: p.floor.toString(),
    toExchange: Object.fromEntries(
      ['d7', 'd30'].map((w) => {
        const e = reached[w]?.get(p.key);
        return [
          w,
          {
            reached: (e?.reached ?? 0n).toString(),
            known: (e?.known ?? 0n).toString(),
            pending: (e?.pending ?? 0n).toString(),
            share: e?.share ?? null,
          },
        ];
      }),
    ),
  }));
}

/** A history: payments and sales among five recipients over 120 days, in (block, log) order. */
const history = fc
  .array(
    fc.record({
      sale: fc.boolean(),
      who: fc.integer({ min: 0, max: 4 }),
      amount: fc.bigInt({ min: 1n, max: 1_000n }),
      gap: fc.integer({ min: 0, max: 3 * DAY }),
    }),
    { maxLength: 80 },
  )
  .map((events) => {
    let time = T0;
    const payments: RewardPayment[] = [];
    const sales: Outflow[] = [];
    events.forEach((e, order) => {
      time += e.gap;
      if (e.sale) sales.push({ from: `r${e.who}`, amount: e.amount, time, order });
      else payments.push({ to: `r${e.who}`, amount: e.amount, time, order });
    });
    return { payments, sales, end: time };
  });

describe('figure 2 carried forward snapshot by snapshot', () => {
  it('gives what one pass over every transfer gives, however the snapshots split it', () => {
    fc.assert(
      fc.property(history, fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 6 }), (h, cuts) => {
        // Snapshots at increasing times; each takes the transfers up to it (block times only grow).
        const times = [...new Set(cuts.map((c) => T0 + Math.floor(((h.end - T0) * c) / 1_000)))].sort((a, b) => a - b);
        const snapshots = [...times, h.end];
        let ledger = emptyLedger();
        let taken = -Infinity;
        for (const asOf of snapshots) {
          const inside = <T extends { time: number }>(list: T[]) =>
            list.filter((t) => t.time > taken && t.time <= asOf);
          advanceLedger(ledger, inside(h.payments), inside(h.sales), asOf, 50n);
          taken = asOf;
          // Through the database's JSON and back, as a real next snapshot reads it.
          ledger = ledgerFromJson(JSON.parse(JSON.stringify(ledgerToJson(ledger))));
          const upTo = <T extends { time: number }>(list: T[]) => list.filter((t) => t.time <= asOf);
          for (const kind of REWARD_PERIODS)
            expect(ledgerPeriods(ledger, kind, asOf, 50n)).toEqual(
              onePass(upTo(h.payments), upTo(h.sales), kind, asOf),
            );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('lets a reward go from the queue only once no later transfer can reach it', () => {
    const ledger = emptyLedger();
    const paid = { to: 'r', amount: 100n, time: T0, order: 1 };
    advanceLedger(ledger, [paid], [], T0 + 7 * DAY, 0n);
    // Exactly seven days old: a sale at this instant still counts, so it stays queued for the 7-day window.
    expect(ledger.windows.d7.queues.get('r')).toHaveLength(1);
    advanceLedger(ledger, [], [{ from: 'r', amount: 30n, time: T0 + 7 * DAY, order: 2 }], T0 + 8 * DAY, 0n);
    expect(ledger.windows.d7.queues.has('r')).toBe(false);
    expect(ledger.windows.d30.queues.get('r')?.[0]).toMatchObject({ left: 70n, reached: 30n });
    const [week] = ledgerPeriods(ledger, 'week', T0 + 8 * DAY, 0n);
    expect(week?.toExchange).toEqual({
      d7: { reached: '30', known: '100', pending: '0', share: 0.3 },
      d30: { reached: '0', known: '0', pending: '100', share: null },
    });
  });
});
