import { formatUnits } from 'viem';
import type { Translator } from '../i18n/i18n.ts';
import { COHORTS, type Cohort, type CohortStats, type CohortThresholds, type DistributionMetrics } from './metrics.ts';
import type { StoredSnapshot } from './repo.server.ts';
import { LABEL_KINDS, type TokenDefinition } from './schemas.ts';
import { formatPercent } from './format.ts';
import { metricsOf, type SnapshotMetrics, type SnapshotSource } from './snapshot.ts';
import { countsIn, LABEL_ROLES, SCOPES, type Scope } from './scopes.ts';
import { joinWords } from '../cohorts/summary.ts';
import { DAY_MS, periodOf } from '../polls/history.ts';
import {
  nextUnlock,
  totalUnlockedBy,
  unlockCurve,
  unlockEvents,
  unlockRows,
  type Unlock,
  type UnlockEvent,
  type UnlockRow,
} from './unlocks.ts';

/** What the token page and its charts show, computed from stored snapshots, in the page's language. Pure. */

/** The words the token page's figures need: the page's Translator. */
export type TokenWords = Pick<Translator, 't' | 'plural' | 'number' | 'date'>;

const describeEvent = (e: UnlockEvent, words: TokenWords): string =>
  e.kind === 'linear-start'
    ? words.t('unlock.event.start', { recipient: e.recipient })
    : words.t('unlock.event.amount', { recipient: e.recipient, amount: words.number(Math.round(e.amount)) });

export interface WhaleRow {
  rank: number;
  address: string;
  label: string | null;
  kind: string | null;
  /** Whole tokens, as a decimal string. */
  balance: string;
  /** Share of each scope's supply; null where the scope leaves this holder out (or the snapshot lacks the scope). */
  shares: Record<Scope, number | null>;
  /** Change in whole tokens since the previous snapshot; null when that snapshot did not list the address. */
  change: string | null;
}

/** The words a snapshot's source needs: a Translator fits. */
export type SourceWords = Pick<Translator, 't' | 'number'>;

/**
 * Where a snapshot came from, in words: the chain, contract and block, or the
 * CSV file and its SHA-256. The full form is the API's and the cohort and
 * resolution panels': the whole hash, the block as a bare number. `short` asks
 * for the token page's form: numbers in the page's language, the hash cut to
 * 12 digits, and for a CSV import the snapshot's block (`short.block`), which
 * such a source does not carry.
 * @example describeSource({ kind: 'csv', file: 'h.csv', sha256: 'ab12' }, translator('en')) // 'CSV file h.csv (SHA-256 ab12)'
 * @example describeSource(snapshot.source, translator('en'), { block: snapshot.block }) // 'chain 1, block 21,000,000, contract 0x…'
 */
export function describeSource(
  source: SnapshotSource,
  words: SourceWords,
  short: { block: number } | null = null,
): string {
  if (short === null) {
    return source.kind === 'rpc'
      ? words.t('source.rpc', { chainId: source.chainId, contract: source.contract, block: source.block })
      : words.t('source.csv', { file: source.file, sha256: source.sha256 });
  }
  return source.kind === 'rpc'
    ? words.t('source.short.rpc', {
        chainId: source.chainId,
        block: words.number(source.block),
        contract: source.contract,
      })
    : words.t('source.short.csv', {
        file: source.file,
        sha256: source.sha256.slice(0, 12),
        block: words.number(short.block),
      });
}

export function whaleTable(
  token: Pick<TokenDefinition, 'decimals' | 'labels'>,
  latest: { supply: string; metrics: SnapshotMetrics; holders: { rank: number; address: string; balance: string }[] },
  previous: { address: string; balance: string }[] | null,
  limit = 20,
): WhaleRow[] {
  const labels = new Map(Object.entries(token.labels).map(([a, l]) => [a.toLowerCase(), l]));
  const before = new Map((previous ?? []).map((h) => [h.address, BigInt(h.balance)]));
  const supply = BigInt(latest.supply);
  return latest.holders.slice(0, limit).map((h) => {
    const balance = BigInt(h.balance);
    const prior = before.get(h.address);
    const label = labels.get(h.address) ?? null;
    const shareOf = (scope: Scope): number | null => {
      // Of all holders exactly, in bigints; a scope's supply is kept only as a float, like its other figures.
      if (scope === 'all') return supply === 0n ? 0 : Number((balance * 1_000_000n) / supply) / 1_000_000;
      const m = metricsOf(latest.metrics, scope);
      return m === null || !countsIn(scope, label?.kind) || m.supply === 0 ? null : Number(balance) / m.supply;
    };
    return {
      rank: h.rank,
      address: h.address,
      label: label?.name ?? null,
      kind: label?.kind ?? null,
      balance: formatUnits(balance, token.decimals),
      shares: Object.fromEntries(SCOPES.map((scope) => [scope, shareOf(scope)])) as Record<Scope, number | null>,
      change: previous === null || prior === undefined ? null : formatUnits(balance - prior, token.decimals),
    };
  });
}

export interface ChartData {
  scope: Scope;
  points: {
    block: number;
    at: number;
    top10: number;
    gini: number;
    holders: number;
    cohorts: Record<Cohort, CohortStats>;
  }[];
  /** Snapshots left out of `points` because they lack this scope (stored before it, without balances). */
  missing: number;
  /** The latest snapshot's Lorenz curve in this scope; empty when it lacks the scope. */
  lorenz: number[];
  /** The token file's schedule, whatever the scope (unlocks.ts). */
  unlocks: {
    /** Unlocked supply over time: the points of a line, stepping at cliffs, straight while vesting. */
    curve: { x: number; y: number }[];
    rows: UnlockRow[];
    /** The next unlock in words, or null when nothing is left to unlock. */
    next: string | null;
    /** Unlocked by `now`, whole tokens. */
    unlockedNow: number;
  };
}

/** The series the token charts draw, for one scope. */
export function chartData(
  snapshots: readonly StoredSnapshot[],
  token: Pick<TokenDefinition, 'unlocks'>,
  scope: Scope,
  now: number,
  words: TokenWords,
): ChartData {
  const formatDay = (t: number): string => words.date(new Date(t));
  const points = snapshots.flatMap((s) => {
    const m = metricsOf(s.metrics, scope);
    if (m === null) return [];
    return [
      { block: s.block, at: s.takenAt, top10: m.top10Share, gini: m.gini, holders: m.holderCount, cohorts: m.cohorts },
    ];
  });
  const latest = snapshots.at(-1);
  return {
    scope,
    points,
    missing: snapshots.length - points.length,
    lorenz: (latest && metricsOf(latest.metrics, scope)?.lorenz) ?? [],
    unlocks: {
      curve: unlockCurve(token.unlocks),
      rows: unlockRows(token.unlocks, now, formatDay, words),
      next: nextUnlock(token.unlocks, now, formatDay, words),
      unlockedNow: totalUnlockedBy(token.unlocks, now),
    },
  };
}

export interface FigureRow {
  label: string;
  /** The figure in each scope, formatted; null where the snapshot lacks the scope. */
  values: Record<Scope, string | null>;
}

/** The cohort thresholds in words, as the charts say them. */
export function describeCohorts(t: CohortThresholds, words: Pick<TokenWords, 't'>): string {
  return words.t('token.cohortThresholds', { whale: t.whale, dolphin: t.dolphin, fish: t.fish });
}

/** The figures table: every measure of the latest snapshot, in every scope. */
export function latestFigures(
  latest: Pick<StoredSnapshot, 'supply' | 'metrics'>,
  token: Pick<TokenDefinition, 'decimals' | 'cohorts'>,
  words: TokenWords,
): FigureRow[] {
  const total = Number(latest.supply);
  const tokens = (baseUnits: number): string =>
    words.number(baseUnits / 10 ** token.decimals, { maximumFractionDigits: 0 });
  const row = (label: string, format: (m: DistributionMetrics) => string): FigureRow => ({
    label,
    values: Object.fromEntries(
      SCOPES.map((scope) => {
        const m = metricsOf(latest.metrics, scope);
        return [scope, m === null ? null : format(m)];
      }),
    ) as Record<Scope, string | null>,
  });
  const bound = (c: Cohort): string =>
    c === 'shrimp'
      ? words.t('figure.below', { n: token.cohorts.fish })
      : words.t('figure.atLeast', { n: token.cohorts[c] });
  return [
    row(words.t('figure.supply'), (m) => tokens(m.supply)),
    row(words.t('figure.shareOfAll'), (m) => formatPercent(total === 0 ? 0 : m.supply / total)),
    row(words.t('figure.holders'), (m) => words.number(m.holderCount)),
    row(words.t('figure.top1'), (m) => formatPercent(m.top1Share)),
    row(words.t('figure.top10'), (m) => formatPercent(m.top10Share)),
    row(words.t('figure.top100'), (m) => formatPercent(m.top100Share)),
    row(words.t('figure.gini'), (m) => m.gini.toFixed(3)),
    row(words.t('figure.hhi'), (m) => m.hhi.toFixed(4)),
    row(words.t('figure.nakamoto'), (m) => String(m.nakamoto)),
    ...COHORTS.map((c) =>
      row(
        words.t('figure.cohort', { cohort: words.t(`cohort.${c}`), bound: bound(c) }),
        (m) => `${words.number(m.cohorts[c].holders)} · ${formatPercent(m.cohorts[c].share)}`,
      ),
    ),
  ];
}

/**
 * What the page must say about the circulating scope of older snapshots:
 * computed later from stored balances, or not available at all.
 */
export function scopeNotes(
  snapshots: readonly Pick<StoredSnapshot, 'block' | 'metrics'>[],
  words: TokenWords,
): string[] {
  const lacking = snapshots.filter((s) => metricsOf(s.metrics, 'circulating') === null);
  const later = snapshots.filter((s) => s.metrics.circulatingBackfilledAt !== undefined && !lacking.includes(s));
  const days = [...new Set(later.map((s) => words.date(new Date(s.metrics.circulatingBackfilledAt ?? 0))))].join(
    words.t('list.separator'),
  );
  const blocks = lacking.map((s) => words.number(s.block)).join(words.t('list.separator'));
  return [
    later.length > 0 ? words.plural('token.backfilled', later.length, { days }) : '',
    lacking.length > 0 ? words.plural('token.noCirculating', lacking.length, { blocks }) : '',
  ].filter(Boolean);
}

/**
 * On-chain measures a chart can follow, with how to show them: a share (0 to
 * 1, drawn as a percentage), a coefficient between 0 and 1 (drawn on its own
 * 0–1 axis, never as a percentage), or a count (from zero up).
 */
export const CHAIN_METRICS = {
  top1Share: { label: 'Largest holder’s share', percent: true, bounded: true },
  top10Share: { label: 'Top-10 holders’ share', percent: true, bounded: true },
  top100Share: { label: 'Top-100 holders’ share', percent: true, bounded: true },
  gini: { label: 'Gini coefficient', percent: false, bounded: true },
  hhi: { label: 'HHI', percent: false, bounded: true },
  nakamoto: { label: 'Nakamoto coefficient', percent: false, bounded: false },
  holderCount: { label: 'Holders', percent: false, bounded: false },
} as const;
export type ChainMetric = keyof typeof CHAIN_METRICS;
export const CHAIN_METRIC_NAMES = Object.keys(CHAIN_METRICS) as ChainMetric[];

export function isChainMetric(name: string): name is ChainMetric {
  return name in CHAIN_METRICS;
}

/** The UTC midnight starting the day of `at`. */
const dayStart = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS;

export interface MetricSeries {
  metric: ChainMetric;
  label: string;
  percent: boolean;
  /** Between 0 and 1 (a share or a coefficient): its axis runs from 0 to 1. */
  bounded: boolean;
  simulated: boolean;
  source: string | null;
  /** One per snapshot, at the moment it was taken (epoch ms). */
  points: { at: number; block: number; value: number }[];
}

/** One measure at each snapshot (the scope without exchanges and other custodians). */
export function metricSeries(
  snapshots: readonly StoredSnapshot[],
  metric: ChainMetric,
  words: TokenWords,
): MetricSeries {
  const latest = snapshots.at(-1);
  return {
    metric,
    label: words.t(`metric.${metric}`),
    percent: CHAIN_METRICS[metric].percent,
    bounded: CHAIN_METRICS[metric].bounded,
    simulated: snapshots.some((s) => s.simulated),
    source: latest ? describeSource(latest.source, words, { block: latest.block }) : null,
    points: snapshots.map((s) => ({
      at: s.takenAt,
      block: s.block,
      value: s.metrics.excludingLabelled[metric],
    })),
  };
}

/**
 * A post's chart of a chain measure, as its own page's query names it
 * (`?symbol=OPG&metric=gini`, or `?poll=<id>&metric=top10Share` for readers'
 * answers beside the measure), checked; or why not, in a sentence.
 */
export function parseChainChartQuery(query: {
  poll: string | null;
  symbol: string | null;
  metric: string | null;
}): { poll: string | null; symbol: string | null; metric: ChainMetric } | { error: string } {
  const metric = query.metric ?? '';
  if (!isChainMetric(metric)) return { error: `metric must be one of ${CHAIN_METRIC_NAMES.join(', ')}` };
  const poll = query.poll?.trim() || null;
  const symbol = query.symbol?.trim() || null;
  if ((poll === null) === (symbol === null)) return { error: 'give either a poll or a symbol' };
  return { poll, symbol, metric };
}

/** A post's chain chart's title: the measure of the token, or readers' answers beside it. */
export function chainChartTitle(
  metric: ChainMetric,
  symbol: string,
  beside: boolean,
  words: Pick<Translator, 't' | 'lang'>,
): string {
  const measure = words.t(`metric.${metric}`);
  return beside
    ? words.t('chainChart.vsTitle', { metric: measure.toLocaleLowerCase(words.lang), symbol })
    : words.t('chainChart.title', { metric: measure, symbol });
}

/** A point of a time chart: epoch ms and value. */
export interface TimePoint {
  x: number;
  y: number;
}

export interface SentimentVsChainData {
  /** The table's rows: every UTC day with a poll point, a snapshot or an unlock, oldest first (its midnight, ms). */
  days: number[];
  options: {
    label: string;
    /** The share at the end of each day in `days` (0 to 1), null on days without ballots. */
    shares: (number | null)[];
    /** The chart's points: each day with ballots, placed at that day (history.ts, periodOf). */
    points: TimePoint[];
  }[];
  metric: {
    label: string;
    percent: boolean;
    bounded: boolean;
    values: (number | null)[];
    /** The chart's points: each snapshot at the moment it was taken. */
    points: TimePoint[];
  } | null;
  /** The token's unlock events within the charted span, each at its moment and on its table day (also in `days`). */
  unlocks: { at: number; day: number; label: string }[];
  simulated: boolean;
  source: string | null;
}

/**
 * Poll option shares and an on-chain measure on one time axis: the chart
 * places each at its real time, so answers sit beside the snapshots they
 * overlap, and the table gives one row per day. Days without a reading stay
 * empty (null) rather than being invented. `poll.points` are daily history
 * points (each closing its day).
 */
export function sentimentVsChain(
  poll: { options: { label: string }[]; points: { at: number; percent: number[] }[] },
  series: MetricSeries | null,
  unlocks: readonly Unlock[],
  words: TokenWords,
): SentimentVsChainData {
  const answered = poll.points.map((p) => ({ day: periodOf(p.at, 'day'), percent: p.percent }));
  const pollByDay = new Map(answered.map((p) => [p.day, p.percent]));
  const chainPoints = series?.points ?? [];
  const chainByDay = new Map(chainPoints.map((p) => [dayStart(p.at), p.value]));
  const times = [...answered.map((p) => p.day), ...chainPoints.map((p) => p.at)];
  // Only unlocks inside the span read: one far off would stretch the axis and squash the readings.
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const marked = unlockEvents(unlocks)
    .filter((e) => times.length > 0 && dayStart(e.at) >= dayStart(first) && dayStart(e.at) <= dayStart(last))
    .map((e) => ({ at: e.at, day: dayStart(e.at), label: describeEvent(e, words) }));
  const days = [...new Set([...pollByDay.keys(), ...chainByDay.keys(), ...marked.map((e) => e.day)])].sort(
    (a, b) => a - b,
  );
  return {
    days,
    options: poll.options.map((o, i) => ({
      label: o.label,
      shares: days.map((d) => {
        const percent = pollByDay.get(d);
        return percent ? (percent[i] ?? 0) / 100 : null;
      }),
      points: answered.map((p) => ({ x: p.day, y: (p.percent[i] ?? 0) / 100 })),
    })),
    metric:
      series && chainPoints.length > 0
        ? {
            label: series.label,
            percent: series.percent,
            bounded: series.bounded,
            values: days.map((d) => chainByDay.get(d) ?? null),
            points: chainPoints.map((p) => ({ x: p.at, y: p.value })),
          }
        : null,
    unlocks: marked,
    simulated: series?.simulated ?? false,
    source: series?.source ?? null,
  };
}

/**
 * What a scope leaves out, in one sentence in the page's language, built
 * from LABEL_ROLES so it cannot drift (scopes.ts's SCOPE_DESCRIPTIONS is the
 * same sentence in English, for the API and the CLI).
 */
export function scopeDescription(scope: Scope, words: Pick<Translator, 't' | 'lang'>): string {
  if (scope === 'all') return words.t('scope.desc.all');
  const role = scope === 'excludingLabelled' ? 'custodian' : 'insider';
  const kinds = LABEL_KINDS.filter((k) => LABEL_ROLES[k] === role).map((k) =>
    words.t(k === 'lp' ? 'labelKind.lpLong' : `labelKind.${k}`),
  );
  return words.t(`scope.desc.${scope}`, { kinds: joinWords(words.lang, kinds, 'disjunction') });
}
