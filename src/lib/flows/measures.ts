import type { FlowMetric, FlowSpanFigures, UnlockFigures } from '../../../db/json-columns.ts';
import { MOVING_GROUPS, SPAN_METRICS, type MovingGroup } from '../../../db/vocabulary.ts';
import type { StoredSpan } from './query.ts';
import { topTenShare } from './rewards.ts';

/**
 * The flow metrics a poll can resolve on (issue 39): figures over the span between a resolution's two
 * snapshots, each added up from what was stored once those snapshots were (figure 1's spans, figure 3's
 * windows), so a resolution reads no transfers and anyone with the stored figures can repeat it. Pure.
 *
 * A flow starts at zero at the first snapshot, so the value measured is the change a condition is put to.
 */

export const FLOW_METRICS: readonly FlowMetric[] = [
  ...MOVING_GROUPS.map((g) => `netFlow.${g}` as const),
  ...SPAN_METRICS,
];

export const isFlowMetric = (metric: string): metric is FlowMetric =>
  (FLOW_METRICS as readonly string[]).includes(metric);

/** Flow metrics that are not about one scope's holders: a resolution on them names scope `all`. */
export const UNSCOPED_FLOW_METRICS: readonly FlowMetric[] = ['rewardsTop10Share', 'unlockedToExchanges'];

/** Why a flow metric has no value between two snapshots. */
export type MissingMeasure =
  /** Some block between them was not scanned with its transfers kept (or its span is not stored yet). */
  | 'needs-transfers'
  /** Nothing it measures happened between them: no unlock fell there, no reward was paid, no supply held. */
  | 'nothing-to-measure';

export interface SpanEnd {
  block: number;
  /** Epoch ms. */
  takenAt: number;
}

export interface MeasureInput {
  /** Figure 1's stored spans in the resolution's scope. */
  scoped: readonly StoredSpan[];
  /** The same spans in the `all` scope, where exchanges, pools and reward recipients are their own groups. */
  all: readonly StoredSpan[];
  /** Figure 3 as it stood at the later snapshot; null when it could not be computed there. */
  unlocks: UnlockFigures | null;
}

const VENUES = new Set(['exchange', 'lp']);

/**
 * The spans that join `from` to `to` exactly, oldest first; null when they do not (a gap, or a span not stored
 * yet).
 */
export function spansBetween(spans: readonly StoredSpan[], from: SpanEnd, to: SpanEnd): StoredSpan[] | null {
  const inside = spans
    .filter((s) => s.fromBlock >= from.block && s.toBlock <= to.block)
    .sort((a, b) => a.toBlock - b.toBlock);
  let reached = from.block;
  for (const span of inside) {
    if (span.fromBlock !== reached) return null;
    reached = span.toBlock;
  }
  return inside.length > 0 && reached === to.block ? inside : null;
}

/** a ÷ b to nine decimals, exact in base units. */
const share = (a: bigint, b: bigint): number => Number((a * 1_000_000_000n) / b) / 1e9;

const fromTransfers = (spans: readonly StoredSpan[]): boolean => spans.every((s) => s.figures.kind === 'transfers');

/**
 * A flow metric between two snapshots:
 * - `netFlow.<group>`: the group's net flow (groups fixed at each span's earlier snapshot), as a share of the
 *   scope's supply at `from`;
 * - `exchangeInflow`: tokens sent to exchanges and pools by anyone else, as a share of the same supply;
 * - `rewardsTop10Share`: the ten largest recipients' share of the node rewards paid;
 * - `unlockedToExchanges`: of what the unlocks from `from` (inclusive) to `to` (exclusive) released, the share
 *   insiders sent to exchanges in their windows, directly or through one wallet, counted up to `to`.
 * @example flowMeasure('netFlow.whale', input, from, to) // 0.021: whales took in 2.1% of the supply
 */
export function flowMeasure(
  metric: FlowMetric,
  input: MeasureInput,
  from: SpanEnd,
  to: SpanEnd,
): number | MissingMeasure {
  if (metric === 'unlockedToExchanges') return unlockedShare(input.unlocks, from, to);
  const scoped = spansBetween(input.scoped, from, to);
  const all = spansBetween(input.all, from, to);
  if (!scoped || !all) return 'needs-transfers';
  const supply = BigInt(scoped[0]?.figures.scopeSupply ?? '0');
  if (metric === 'rewardsTop10Share') {
    if (!fromTransfers(all) || all.some((s) => s.figures.rewards === undefined)) return 'needs-transfers';
    const paid = new Map<string, bigint>();
    for (const span of all)
      for (const [to, amount] of Object.entries(span.figures.rewards ?? {}))
        paid.set(to, (paid.get(to) ?? 0n) + BigInt(amount));
    const amounts = [...paid.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const total = amounts.reduce((sum, a) => sum + a, 0n);
    return total === 0n ? 'nothing-to-measure' : topTenShare(amounts, total);
  }
  if (supply === 0n) return 'nothing-to-measure';
  if (metric === 'exchangeInflow') {
    if (!fromTransfers(all)) return 'needs-transfers';
    return share(
      all.reduce((sum, span) => sum + venueInflow(span.figures), 0n),
      supply,
    );
  }
  const group = metric.slice('netFlow.'.length) as MovingGroup;
  return share(
    scoped.reduce((sum, span) => sum + BigInt(span.figures.net[group] ?? '0'), 0n),
    supply,
  );
}

/** What a span's groups other than exchanges and pools sent into them. */
function venueInflow(figures: FlowSpanFigures): bigint {
  let inflow = 0n;
  for (const [from, row] of Object.entries(figures.matrix)) {
    if (VENUES.has(from)) continue;
    for (const [to, amount] of Object.entries(row)) if (VENUES.has(to)) inflow += BigInt(amount);
  }
  return inflow;
}

function unlockedShare(unlocks: UnlockFigures | null, from: SpanEnd, to: SpanEnd): number | MissingMeasure {
  if (!unlocks) return 'needs-transfers';
  const inside = unlocks.windows.filter((w) => w.at >= from.takenAt && w.at < to.takenAt);
  const released = inside.reduce((sum, w) => sum + BigInt(w.released), 0n);
  if (released === 0n) return 'nothing-to-measure';
  const sent = inside.reduce((sum, w) => sum + BigInt(w.direct) + BigInt(w.viaHop), 0n);
  return share(sent, released);
}
