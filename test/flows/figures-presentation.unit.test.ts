import { describe, expect, it } from 'vitest';
import type { ExchangeFigures, RewardFigures, UnlockFigures } from '../../db/json-columns.ts';
import type { StoredFigure } from '../../src/lib/flows/answers.ts';
import { exchangeView, rewardRows, unlockRows } from '../../src/lib/flows/figures-presentation.ts';
import { translator } from '../../src/lib/i18n/i18n.ts';

const en = translator('en');
const zh = translator('zh');
const stored = <T extends RewardFigures | UnlockFigures | ExchangeFigures>(data: T, asOf: number): StoredFigure<T> => ({
  fromBlock: 1,
  toBlock: 99,
  asOf,
  computedAt: asOf,
  data,
});
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const reached = (share: number | null, pending = '0') => ({ reached: '0', known: '0', pending, share });

describe('the flow figures as the page words them', () => {
  it('fills the exchange chart’s quiet days with zero, so its bars stand a day apart, up to the snapshot', () => {
    const flows = (d: string, inflow: string) => ({
      day: d,
      inflow: { whale: inflow },
      outflow: {},
      venues: { exchange: { inflow, outflow: '0' }, lp: { inflow: '0', outflow: '0' } },
      net: inflow,
      transfers: 1,
    });
    const view = exchangeView(
      stored({ kind: 'exchanges', days: [flows('2026-11-01', '5'), flows('2026-11-04', '7')] }, day('2026-11-05')),
      { from: '2026-10-01', to: '2026-12-31' },
      0,
      en,
    );
    expect(view.chart?.inflow).toEqual([5, 0, 0, 7, 0]);
    expect(view.chart?.days).toHaveLength(5);
    expect(view.rows.map((r) => r.net)).toEqual(['+7', '+5']);
    expect(view.groups).toEqual([{ group: 'whale', name: 'Whales', inflow: '12', outflow: '0' }]);
  });

  it('says a reward share is not yet known, or so far while some of the period is pending, and marks a running period', () => {
    const period = {
      key: '2026-W48',
      start: day('2026-11-23'),
      end: day('2026-11-30'),
      incomplete: true,
      paid: '100',
      recipients: 2,
      top10Share: 1,
      gini: 0.4,
      median: '10',
      belowFloor: null,
      floor: null,
      toExchange: { d7: reached(0.25, '10'), d30: reached(null, '100') },
    };
    const [row] = rewardRows(
      stored(
        { kind: 'rewards', period: 'week', payers: [], mintsSince: null, floorPerWeek: null, periods: [period] },
        day('2026-11-28'),
      ),
      0,
      en,
    );
    expect(row).toMatchObject({ d7: '25% so far', d30: 'not yet known', incomplete: true, belowFloor: null });
    expect(row?.period).toBe('2026-W48 (from 23 Nov)');
  });

  it('says, for each unlock, whether its window is over, what it overlaps, and when nothing moved, in both languages', () => {
    const window = (at: string, overlaps: number[], direct: string, open: boolean) => ({
      at: day(at),
      kind: 'cliff' as const,
      recipient: 'team',
      released: '1000',
      from: day(at) - 7 * 86_400_000,
      to: day(at) + 30 * 86_400_000,
      direct,
      viaHop: '0',
      share: Number(direct) / 1000,
      daily: [],
      hops: 0,
      overlaps,
      open,
    });
    const figure = stored(
      { kind: 'unlocks', windows: [window('2026-10-13', [1], '0', false), window('2026-11-10', [0], '200', true)] },
      day('2026-12-01'),
    );
    const rows = unlockRows(figure, 0, en);
    expect(rows[0]?.notes).toEqual([
      'Overlaps the window of the unlock of 10 Nov 2026; each counts the transfers they share.',
      'Nothing moved to an exchange in this window.',
    ]);
    expect(rows[1]?.notes[0]).toBe('So far: the window is not over as of 1 Dec 2026.');
    expect(rows[1]?.share).toBe('20%');
    expect(unlockRows(figure, 0, zh)[0]?.notes.at(-1)).toBe('这个窗口期内没有代币转入交易所。');
  });
});
