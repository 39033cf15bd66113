import type { ExchangeFigures, RewardFigures, UnlockFigures } from '../../../db/json-columns.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { StoredFigure } from './answers.ts';
import { FLOW_GROUPS } from './groups.ts';
import { groupName, tokenAmount } from './presentation.ts';
import type { FlowsView } from './query.ts';
import { DAYS_BEFORE } from './unlock-windows.ts';

/**
 * Figures 1–4 as the token page shows them: table rows in the page's language and the data its charts draw,
 * with every word the charts need already translated. Pure.
 */

/** The periods the reward table shows, newest first; the chart draws all of them. */
export const REWARD_ROWS = 13;
/** The days the exchange table shows, newest first. */
export const EXCHANGE_ROWS = 14;

export interface FlowChartsData {
  cumulative: {
    times: number[];
    series: { group: string; label: string; values: number[] }[];
    unlocks: { at: number }[];
    marker: string;
  } | null;
  rewards: { labels: string[]; paid: number[]; top10: number[]; paidLabel: string; top10Label: string } | null;
  unlocks: { dayLabels: string[]; windows: { label: string; daily: number[] }[] } | null;
  exchanges: {
    days: string[];
    inflow: number[];
    outflow: number[];
    net: number[];
    labels: { inflow: string; outflow: string; net: string };
  } | null;
}

const percent = (i: Translator, share: number | null, signed = false): string =>
  share === null
    ? '–'
    : i.number(share, { style: 'percent', maximumFractionDigits: 1, ...(signed ? { signDisplay: 'exceptZero' } : {}) });

const whole = (i: Translator, amount: string, decimals: number, signed = false): string =>
  i.number(tokenAmount(amount, decimals), {
    maximumFractionDigits: 0,
    ...(signed ? { signDisplay: 'exceptZero' } : {}),
  });

/** Figure 1's chart: each group's net flow added up span after span, with unlock dates marked. */
export function cumulativeSeries(
  view: FlowsView,
  decimals: number,
  unlocks: readonly { at: number }[],
  i: Translator,
): FlowChartsData['cumulative'] {
  if (view.spans.length === 0) return null;
  const groups = [...new Set(view.spans.flatMap((s) => Object.keys(s.net)))].sort(
    (a, b) => FLOW_GROUPS.indexOf(a as never) - FLOW_GROUPS.indexOf(b as never),
  );
  const times = view.spans.map((s) => Date.parse(s.at));
  const series = groups.map((group) => {
    let total = 0;
    return {
      group,
      label: groupName(group, i),
      values: view.spans.map((s) => (total += tokenAmount(s.net[group] ?? '0', decimals))),
    };
  });
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  return {
    times,
    series,
    unlocks: unlocks.filter((u) => u.at >= first - 86_400_000 * 14 && u.at <= last),
    marker: i.t('chainChart.marker'),
  };
}

export interface RewardRow {
  key: string;
  period: string;
  incomplete: boolean;
  paid: string;
  recipients: string;
  top10: string;
  gini: string;
  median: string;
  belowFloor: string | null;
  d7: string;
  d30: string;
}

function periodName(p: { key: string; start: number; end: number }, kind: RewardFigures['period'], i: Translator) {
  if (kind === 'day') return i.date(new Date(p.start));
  if (kind === 'month') return i.date(new Date(p.start), { year: 'numeric', month: 'short' });
  return i.t('rewards.week', { key: p.key, start: i.date(new Date(p.start), { day: 'numeric', month: 'short' }) });
}

export function rewardRows(stored: StoredFigure<RewardFigures>, decimals: number, i: Translator): RewardRow[] {
  const reached = (w: RewardFigures['periods'][number]['toExchange']['d7']): string =>
    w.share === null
      ? i.t('rewards.notYetKnown')
      : BigInt(w.pending) > 0n
        ? i.t('rewards.sofar', { share: percent(i, w.share) })
        : percent(i, w.share);
  return stored.data.periods
    .slice(-REWARD_ROWS)
    .reverse()
    .map((p) => ({
      key: p.key,
      period: periodName(p, stored.data.period, i),
      incomplete: p.incomplete,
      paid: whole(i, p.paid, decimals),
      recipients: i.number(p.recipients),
      top10: percent(i, p.top10Share),
      gini: p.gini.toFixed(2),
      median: i.number(tokenAmount(p.median, decimals), { maximumFractionDigits: 2 }),
      belowFloor: p.belowFloor === null ? null : `${i.number(p.belowFloor)} / ${i.number(p.recipients)}`,
      d7: reached(p.toExchange.d7),
      d30: reached(p.toExchange.d30),
    }));
}

export function rewardChart(
  stored: StoredFigure<RewardFigures>,
  decimals: number,
  i: Translator,
): FlowChartsData['rewards'] {
  const periods = stored.data.periods;
  if (periods.length === 0) return null;
  return {
    labels: periods.map((p) => periodName(p, stored.data.period, i)),
    paid: periods.map((p) => tokenAmount(p.paid, decimals)),
    top10: periods.map((p) => p.top10Share),
    paidLabel: i.t('rewards.paid'),
    top10Label: i.t('rewards.top10'),
  };
}

export interface UnlockRow {
  at: string;
  recipient: string;
  released: string;
  sent: string;
  direct: string;
  viaHop: string;
  share: string;
  /** Sentences under the row: so far, overlaps, nothing moved. */
  notes: string[];
}

export function unlockRows(stored: StoredFigure<UnlockFigures>, decimals: number, i: Translator): UnlockRow[] {
  const windows = stored.data.windows;
  return windows.map((w) => {
    const sent = (BigInt(w.direct) + BigInt(w.viaHop)).toString();
    const notes = [
      ...(w.open ? [i.t('unlocks.open', { date: i.date(new Date(stored.asOf)) })] : []),
      ...(w.overlaps.length > 0
        ? [
            i.t('unlocks.overlaps', {
              dates: w.overlaps.map((o) => i.date(new Date(windows[o]?.at ?? 0))).join(', '),
            }),
          ]
        : []),
      ...(sent === '0' ? [i.t('unlocks.nothing')] : []),
      ...(w.hops > 0 ? [i.plural('unlocks.hops', w.hops)] : []),
    ];
    return {
      at: i.date(new Date(w.at)),
      recipient: w.recipient,
      released: whole(i, w.released, decimals),
      sent: whole(i, sent, decimals),
      direct: whole(i, w.direct, decimals),
      viaHop: whole(i, w.viaHop, decimals),
      share: percent(i, w.share),
      notes,
    };
  });
}

export function unlockChart(
  stored: StoredFigure<UnlockFigures>,
  decimals: number,
  i: Translator,
): FlowChartsData['unlocks'] {
  const windows = stored.data.windows;
  if (windows.length === 0) return null;
  const days = windows[0]?.daily.length ?? 0;
  return {
    dayLabels: Array.from({ length: days }, (_, d) => i.number(d - DAYS_BEFORE, { signDisplay: 'exceptZero' })),
    windows: windows.map((w) => ({
      label: i.t('unlocks.series', { date: i.date(new Date(w.at)) }),
      daily: w.daily.map((amount) => tokenAmount(amount, decimals)),
    })),
  };
}

export interface ExchangeRow {
  day: string;
  inflow: string;
  outflow: string;
  net: string;
  direction: 'in' | 'out' | 'none';
}

export interface ExchangeGroupRow {
  group: string;
  name: string;
  inflow: string;
  outflow: string;
}

/** The days in `from`..`to` (YYYY-MM-DD), as the API's window chooses them. */
function daysIn(stored: StoredFigure<ExchangeFigures>, from: string, to: string) {
  return stored.data.days.filter((d) => d.day >= from && d.day <= to);
}

export function exchangeView(
  stored: StoredFigure<ExchangeFigures>,
  window: { from: string; to: string },
  decimals: number,
  i: Translator,
): { rows: ExchangeRow[]; groups: ExchangeGroupRow[]; chart: FlowChartsData['exchanges'] } {
  const days = daysIn(stored, window.from, window.to);
  const sum = (d: (typeof days)[number], side: 'inflow' | 'outflow'): bigint =>
    BigInt(d.venues.exchange[side]) + BigInt(d.venues.lp[side]);
  const rows = days
    .slice(-EXCHANGE_ROWS)
    .reverse()
    .map((d) => {
      const net = BigInt(d.net);
      return {
        day: i.date(new Date(`${d.day}T00:00:00Z`)),
        inflow: whole(i, sum(d, 'inflow').toString(), decimals),
        outflow: whole(i, sum(d, 'outflow').toString(), decimals),
        net: whole(i, d.net, decimals, true),
        direction: net > 0n ? ('in' as const) : net < 0n ? ('out' as const) : ('none' as const),
      };
    });
  const totals = new Map<string, { inflow: bigint; outflow: bigint }>();
  for (const d of days) {
    for (const side of ['inflow', 'outflow'] as const) {
      for (const [group, amount] of Object.entries(d[side])) {
        const entry = totals.get(group) ?? { inflow: 0n, outflow: 0n };
        entry[side] += BigInt(amount);
        totals.set(group, entry);
      }
    }
  }
  const order = [...FLOW_GROUPS, 'before-first'] as readonly string[];
  const groups = [...totals]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([group, t]) => ({
      group,
      name: group === 'before-first' ? i.t('exchanges.beforeFirst') : groupName(group, i),
      inflow: whole(i, t.inflow.toString(), decimals),
      outflow: whole(i, t.outflow.toString(), decimals),
    }));
  // Every day from the first with a flow to the snapshot's, quiet ones as zero, so the bars stand a day apart.
  const byDay = new Map(days.map((d) => [d.day, d]));
  const calendar: string[] = [];
  const last = new Date(Math.min(stored.asOf, Date.parse(`${window.to}T00:00:00Z`))).toISOString().slice(0, 10);
  for (let t = Date.parse(`${days[0]?.day ?? last}T00:00:00Z`); days.length > 0; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > last) break;
    calendar.push(day);
  }
  const amount = (day: string, pick: (d: (typeof days)[number]) => bigint): number => {
    const d = byDay.get(day);
    return d ? tokenAmount(pick(d).toString(), decimals) : 0;
  };
  const chart =
    days.length === 0
      ? null
      : {
          days: calendar.map((d) => i.date(new Date(`${d}T00:00:00Z`), { day: 'numeric', month: 'short' })),
          inflow: calendar.map((d) => amount(d, (x) => sum(x, 'inflow'))),
          outflow: calendar.map((d) => -amount(d, (x) => sum(x, 'outflow'))),
          net: calendar.map((d) => amount(d, (x) => BigInt(x.net))),
          labels: { inflow: i.t('exchanges.inflow'), outflow: i.t('exchanges.outflow'), net: i.t('exchanges.net') },
        };
  return { rows, groups, chart };
}

/** Where figures 2–4 come from, in one sentence. */
export function figuresSource(stored: StoredFigure<RewardFigures | UnlockFigures | ExchangeFigures>, i: Translator) {
  return i.t('figures.source', {
    from: i.number(stored.fromBlock),
    to: i.number(stored.toBlock),
    date: i.dateTime(new Date(stored.asOf)),
  });
}
