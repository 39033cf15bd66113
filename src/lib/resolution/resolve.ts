import type { MessageKey } from '../../i18n/en.ts';
import type { DistributionMetrics } from '../chain/metrics.ts';
import type { CohortId } from '../cohorts/cohorts.ts';
import type { CohortResult } from '../cohorts/privacy.ts';
import { metricsOf, type SnapshotMetrics } from '../chain/snapshot.ts';
import { isFlowMetric, UNSCOPED_FLOW_METRICS } from '../flows/measures.ts';
import {
  RESOLUTION_SCOPES,
  type Condition,
  type ResolutionDefinition,
  type ResolutionMetric,
  type ResolutionScopeName,
} from './definition.ts';
import type { SnapshotMetric } from '../../../db/json-columns.ts';

/**
 * Scoring a poll against the chain, from two stored snapshots' metrics only,
 * so anyone with the snapshot CSVs can repeat it. Pure.
 */

/** What the words of a resolution need: a Translator fits. */
export interface ResolutionWords {
  t(key: MessageKey, params?: Record<string, string | number>): string;
  number(value: number): string;
}

/**
 * A metric's value in one scope of a snapshot, or null when the snapshot lacks that scope. A flow metric has no
 * value at one snapshot (flows/measures.ts measures it between two).
 */
export function metricValue(
  metrics: SnapshotMetrics,
  metric: ResolutionMetric,
  scope: ResolutionScopeName,
): number | null {
  if (isFlowMetric(metric)) return null;
  const measured: DistributionMetrics | null = metricsOf(metrics, RESOLUTION_SCOPES[scope]);
  if (!measured) return null;
  if (metric.startsWith('cohortShare.')) {
    const cohort = metric.slice('cohortShare.'.length) as keyof DistributionMetrics['cohorts'];
    return measured.cohorts[cohort].share;
  }
  return measured[metric as Exclude<SnapshotMetric, `cohortShare.${string}`>];
}

/** to − from, rounded to 6 decimals (as the definition promises) before any condition sees it. */
export function roundedChange(from: number, to: number): number {
  // Rounding the difference of two floats: 0.621 − 0.584 is 0.03699999…; toFixed gives its 6-decimal value.
  const rounded = Number((to - from).toFixed(6));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** Whether a change meets a condition: `below` and `above` strict, `between` closed. */
export function meets(condition: Condition, change: number): boolean {
  if ('below' in condition) return change < condition.below;
  if ('above' in condition) return change > condition.above;
  const [low, high] = condition.between;
  return change >= low && change <= high;
}

/** The option whose condition the change meets (the definition guarantees exactly one). */
export function chainOutcome(outcomes: Readonly<Record<string, Condition>>, change: number): string {
  const picked = Object.entries(outcomes).filter(([, condition]) => meets(condition, change));
  const [first] = picked;
  if (!first || picked.length > 1) throw new Error(`outcomes must pick exactly one option for ${change}`);
  return first[0];
}

/** How a tally did: what it gave the chain's option, out of what it gave scored options. */
export interface Accuracy<T extends number | bigint> {
  right: T;
  scored: T;
  /** right ÷ scored, 0..1; null when nothing went to a scored option ("no scored ballots"). */
  share: number | null;
}

/**
 * accuracy = what the chain's option got ÷ what any scored option got, for
 * ballots (`zero` 0) or token weights in base units (`zero` 0n). Options
 * without an outcome count in neither.
 * @example accuracy(new Map([['up', 3], ['down', 1], ['unsure', 5]]), ['up', 'down'], 'up', 0).share // 0.75
 */
export function accuracy<T extends number | bigint>(
  tally: ReadonlyMap<string, T>,
  scoredOptions: Iterable<string>,
  picked: string,
  zero: T,
): Accuracy<T> {
  let scored = zero;
  for (const id of scoredOptions) scored = add(scored, tally.get(id) ?? zero);
  const right = tally.get(picked) ?? zero;
  return { right, scored, share: shareOf(right, scored) };
}

function add<T extends number | bigint>(a: T, b: T): T {
  return (typeof a === 'bigint' ? a + (b as bigint) : (a as number) + (b as number)) as T;
}

/** One cohort's accuracy, or none where the privacy floor hides the cohort. */
export interface CohortAccuracy {
  id: CohortId;
  label: string;
  hidden: boolean;
  accuracy: Accuracy<number> | null;
}

/**
 * Accuracy by cohort, from the cohort table as the privacy floor left it: a
 * hidden cohort has no accuracy either, so the floor holds here without being
 * stated twice.
 */
export function cohortAccuracy(
  cohorts: readonly CohortResult[],
  scoredOptions: readonly string[],
  picked: string,
): CohortAccuracy[] {
  return cohorts.map((cohort) => {
    const { id, label, hidden } = cohort;
    if (hidden) return { id, label, hidden, accuracy: null };
    const tally = new Map(cohort.options.map((o) => [o.id, o.votes ?? 0]));
    return { id, label, hidden, accuracy: accuracy(tally, scoredOptions, picked, 0) };
  });
}

/** An accuracy as the pages print it: a whole percentage, or "no scored ballots". */
export function formatAccuracy(a: { share: number | null } | null, words: Pick<ResolutionWords, 't'>): string {
  return a === null || a.share === null ? words.t('accuracy.none') : `${Math.round(a.share * 100)}%`;
}

/** Pooled accuracy over several polls: right and scored summed, then divided (not an average of shares). */
export function pooledAccuracy(parts: readonly Accuracy<number>[]): Accuracy<number> {
  const right = parts.reduce((sum, p) => sum + p.right, 0);
  const scored = parts.reduce((sum, p) => sum + p.scored, 0);
  return { right, scored, share: shareOf(right, scored) };
}

function shareOf(right: number | bigint, scored: number | bigint): number | null {
  if (typeof right === 'bigint' && typeof scored === 'bigint') {
    if (scored === 0n) return null;
    // Nine decimals of an exact quotient: token weights overflow a float's integers.
    return Number((right * 1_000_000_000n) / scored) / 1e9;
  }
  return Number(scored) === 0 ? null : Number(right) / Number(scored);
}

const SHARES = new Set<ResolutionMetric>([
  'top1Share',
  'top10Share',
  'top100Share',
  'cohortShare.whale',
  'cohortShare.dolphin',
  'cohortShare.fish',
  'cohortShare.shrimp',
]);

/** Whether a metric's change is in percentage points (a share, as every flow metric is) rather than in its own unit. */
export const isShareMetric = (metric: ResolutionMetric): boolean => SHARES.has(metric) || isFlowMetric(metric);

/** A metric's value as the site prints it: shares as percentages, counts whole, indices to 3 decimals. */
export function formatMetric(metric: ResolutionMetric, value: number, words: Pick<ResolutionWords, 'number'>): string {
  if (isFlowMetric(metric))
    return `${value > 0 && metric.startsWith('netFlow.') ? '+' : ''}${(value * 100).toFixed(1)}%`;
  if (SHARES.has(metric)) return `${(value * 100).toFixed(1)}%`;
  if (metric === 'holderCount' || metric === 'nakamoto') return words.number(value);
  return value.toFixed(3);
}

/** What a resolution measures, in words: "top-10 share of circulating supply". */
export function describeMeasure(
  definition: Pick<ResolutionDefinition, 'metric' | 'scope' | 'by'>,
  words: Pick<ResolutionWords, 't'>,
): string {
  const { metric, scope } = definition;
  if (definition.by === 'entity')
    return words.t('resolution.byOwner', { measure: describeMeasure({ metric, scope }, words) });
  const named = { metric: words.t(`resolution.metric.${metric}`), scope: words.t(`resolution.scope.${scope}`) };
  if (isFlowMetric(metric)) {
    return (UNSCOPED_FLOW_METRICS as readonly string[]).includes(metric)
      ? named.metric
      : words.t('resolution.measureFlow', named);
  }
  // Counts are "in" a set of holders, shares and indices "of" it.
  return words.t(
    metric === 'holderCount' || metric === 'nakamoto' ? 'resolution.measureIn' : 'resolution.measureOf',
    named,
  );
}

/**
 * The measured change in words.
 * @example describeChange({ metric: 'top10Share', scope: 'circulating' }, 0.621, 0.584, translator('en'))
 * // "top-10 share of circulating supply fell from 62.1% to 58.4%"
 */
export function describeChange(
  definition: Pick<ResolutionDefinition, 'metric' | 'scope' | 'by'>,
  from: number,
  to: number,
  words: ResolutionWords,
): string {
  const { metric } = definition;
  const change = roundedChange(from, to);
  const values = {
    subject: describeMeasure(definition, words),
    from: formatMetric(metric, from, words),
    to: formatMetric(metric, to, words),
  };
  // A flow starts at zero at the first snapshot: what it came to is the whole story.
  if (isFlowMetric(metric)) return words.t('resolution.cameTo', values);
  if (change === 0) return words.t('resolution.stayed', values);
  return words.t(change > 0 ? 'resolution.rose' : 'resolution.fell', values);
}
