import type { SnapshotMetrics, SnapshotSource } from '../chain/snapshot.ts';
import { dayStart, type ResolutionDefinition } from './definition.ts';
import { chainOutcome, describeChange, metricValue, roundedChange } from './resolve.ts';
import { translator } from '../i18n/i18n.ts';
import { isFlowMetric, type MissingMeasure } from '../flows/measures.ts';

/** The API's words: GET /api/polls/<id> and the stored outcome speak English; pages word the figures themselves. */
const API_WORDS = translator('en');

/**
 * Where a resolving poll stands against the token's stored snapshots: which
 * two snapshots it is measured between, and whether the chain has settled it.
 * Pure: the snapshots and the poll's weighting block are passed in.
 */

/** What resolution needs of a stored snapshot. */
export interface ResolutionSnapshot {
  id: number;
  block: number;
  /** Epoch ms. */
  takenAt: number;
  metrics: SnapshotMetrics;
  /** The same metrics with each owner as one holder, at the snapshot's grouping; null while it has none. */
  ownerMetrics?: SnapshotMetrics | null;
  source: SnapshotSource;
  simulated: boolean;
}

export interface ResolvingPollState {
  /** Epoch ms; resolving polls always close. */
  closesAt: number;
  /** The poll's weighting snapshot block (issue 11's rule), which `from: opens` measures from; null while none. */
  weightingBlock: number | null;
}

/** A snapshot and the metric's value in it. */
export interface Measured<S extends ResolutionSnapshot = ResolutionSnapshot> {
  snapshot: S;
  value: number;
}

export type PendingReason =
  /** Voting has not closed. */
  | 'open'
  /** No snapshot to measure from yet. */
  | 'no-start'
  /** No snapshot at or after the resolution date, other than the starting one. */
  | 'no-settling-snapshot'
  /** A snapshot lacks the scope the metric is measured in (stored before that scope existed). */
  | 'not-measurable'
  /** A metric counted by owner, at a snapshot whose wallets have not been grouped. */
  | 'not-grouped'
  /** A flow metric's span lacks kept transfers (or its figures are not stored yet). */
  | 'needs-transfers'
  /** Nothing a flow metric measures happened between the snapshots (no unlock, no reward paid). */
  | 'nothing-to-measure';

export type ResolutionState<S extends ResolutionSnapshot = ResolutionSnapshot> =
  | {
      status: 'pending';
      reason: PendingReason;
      /** Epoch ms of `at`: the first snapshot at or after it settles the poll. */
      resolvesOn: number;
      from: Measured<S> | null;
      /** The latest snapshot so far and the change from `from` to it, when both are measurable. */
      current: (Measured<S> & { change: number }) | null;
    }
  | {
      status: 'resolved';
      resolvesOn: number;
      from: Measured<S>;
      to: Measured<S>;
      /** to − from, rounded to 6 decimals. */
      change: number;
      /** The option the chain picked. */
      outcome: string;
      /** "top-10 share of circulating supply fell from 62.1% to 58.4%" */
      description: string;
    };

/** Snapshots in time order (block breaks ties), the order "first at or after" means. */
function inTimeOrder<S extends ResolutionSnapshot>(snapshots: readonly S[]): S[] {
  return [...snapshots].sort((a, b) => a.takenAt - b.takenAt || a.block - b.block);
}

/** The snapshot a resolution measures from: the poll's weighting snapshot, or the first at or after `from`. */
function startingSnapshot<S extends ResolutionSnapshot>(
  definition: Pick<ResolutionDefinition, 'from'>,
  poll: Pick<ResolvingPollState, 'weightingBlock'>,
  snapshots: readonly S[],
): S | null {
  const ordered = inTimeOrder(snapshots);
  if (definition.from === 'opens') return ordered.find((s) => s.block === poll.weightingBlock) ?? null;
  const from = dayStart(definition.from);
  return ordered.find((s) => s.takenAt >= from) ?? null;
}

/** The snapshot that settles it: the first at or after `at` that is not the starting one. */
function settlingSnapshot<S extends ResolutionSnapshot>(
  definition: Pick<ResolutionDefinition, 'at'>,
  start: S | null,
  snapshots: readonly S[],
): S | null {
  const at = dayStart(definition.at);
  return inTimeOrder(snapshots).find((s) => s.takenAt >= at && s.id !== start?.id) ?? null;
}

/** The snapshots a resolution is measured between at `now`: its start, the one that settles it, the latest so far. */
export function resolutionEnds<S extends ResolutionSnapshot>(
  definition: Pick<ResolutionDefinition, 'from' | 'at'>,
  poll: Pick<ResolvingPollState, 'weightingBlock'>,
  snapshots: readonly S[],
  now: number,
): { start: S | null; settling: S | null; latest: S | null } {
  const start = startingSnapshot(definition, poll, snapshots);
  return {
    start,
    settling: settlingSnapshot(definition, start, snapshots),
    latest: inTimeOrder(snapshots.filter((s) => s.takenAt <= now)).at(-1) ?? null,
  };
}

/** A flow metric's value from one snapshot to a later one (flows/measures.ts), or why it has none. */
export type Between<S extends ResolutionSnapshot = ResolutionSnapshot> = (from: S, to: S) => number | MissingMeasure;

/**
 * Where the poll stands at `now`. It resolves only once it has closed and the
 * settling snapshot exists; the caller stores the first resolved state, so a
 * snapshot written later cannot change an outcome. A flow metric is zero at the
 * start and `between` measures it at a later snapshot; without `between` it
 * waits for its transfers.
 */
export function resolutionState<S extends ResolutionSnapshot>(
  definition: ResolutionDefinition,
  poll: ResolvingPollState,
  snapshots: readonly S[],
  now: number,
  between?: Between<S>,
): ResolutionState<S> {
  const resolvesOn = dayStart(definition.at);
  const flow = isFlowMetric(definition.metric);
  const { start, settling, latest } = resolutionEnds(definition, poll, snapshots, now);
  const measure = (snapshot: S | null): Measured<S> | PendingReason | null => {
    if (!snapshot) return null;
    if (flow) {
      if (!start) return null;
      if (snapshot.id === start.id) return { snapshot, value: 0 };
      const value = between ? between(start, snapshot) : 'needs-transfers';
      return typeof value === 'number' ? { snapshot, value } : value;
    }
    if (definition.by === 'entity' && !snapshot.ownerMetrics) return 'not-grouped';
    const metrics = definition.by === 'entity' ? snapshot.ownerMetrics : snapshot.metrics;
    const value = metrics ? metricValue(metrics, definition.metric, definition.scope) : null;
    return value === null ? 'not-measurable' : { snapshot, value };
  };
  const measured = (m: Measured<S> | PendingReason | null): Measured<S> | null =>
    m !== null && typeof m === 'object' ? m : null;
  const from = measured(measure(start));
  const pending = (reason: PendingReason): ResolutionState<S> => {
    const sofar = measured(measure(latest));
    const current = from && sofar ? { ...sofar, change: roundedChange(from.value, sofar.value) } : null;
    return { status: 'pending', reason, resolvesOn, from, current };
  };
  if (now < poll.closesAt) return pending('open');
  if (!start) return pending('no-start');
  if (!settling) return pending('no-settling-snapshot');
  const settled = measure(settling);
  const to = measured(settled);
  if (!from) return pending('not-measurable');
  if (!to) return pending(typeof settled === 'string' ? settled : 'not-measurable');
  const change = roundedChange(from.value, to.value);
  return {
    status: 'resolved',
    resolvesOn,
    from,
    to,
    change,
    outcome: chainOutcome(definition.outcomes, change),
    description: describeChange(definition, from.value, to.value, API_WORDS),
  };
}
