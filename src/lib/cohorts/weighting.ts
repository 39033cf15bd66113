import { ballotWeight, cohortFromUnits, cohortThresholdUnits, sqrtWeight, type CohortId } from './cohorts.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import type { WeightingToken } from './ids.ts';

/**
 * Which snapshot weights a poll, and what one ballot weighs in it. Pure:
 * the snapshots and balances come in as arguments.
 */

export type WeightingMode = 'open' | 'latest' | 'block';

export interface SnapshotRef {
  block: number;
  takenAt: number;
}

/**
 * The block of the snapshot a poll's weights come from, or null while there
 * is none to use.
 * - `open`: the latest snapshot taken at or before the poll opened, else the
 *   first one after; chosen once (`current`) and kept.
 * - `latest`: the latest snapshot, but never one taken after the poll closed,
 *   so a closed poll stops re-weighting.
 * - `block`: the snapshot at the pinned block, once it exists.
 *
 * @example chooseWeightingBlock({ mode: 'open', opensAt: 10, closesAt: null, pin: null, current: null, now: 20 },
 *   [{ block: 1, takenAt: 5 }, { block: 2, takenAt: 15 }]) // 1
 */
export function chooseWeightingBlock(
  poll: {
    mode: WeightingMode;
    opensAt: number;
    closesAt: number | null;
    pin: number | null;
    current: number | null;
    now: number;
  },
  snapshots: readonly SnapshotRef[],
): number | null {
  const byTime = [...snapshots].sort((a, b) => a.takenAt - b.takenAt || a.block - b.block);
  const exists = (block: number | null): block is number => block !== null && byTime.some((s) => s.block === block);
  if (poll.mode === 'block') return exists(poll.pin) ? poll.pin : null;
  if (poll.mode === 'open') {
    if (exists(poll.current)) return poll.current;
    const before = byTime.filter((s) => s.takenAt <= poll.opensAt).at(-1);
    return (before ?? byTime[0])?.block ?? null;
  }
  const until = poll.closesAt === null ? poll.now : Math.min(poll.now, poll.closesAt);
  const latest = byTime.filter((s) => s.takenAt <= until).at(-1);
  return (latest ?? byTime[0])?.block ?? null;
}

/** What a ballot weighs and which cohort it counts in. */
export interface BallotWeight {
  cohort: CohortId;
  /** Base units. */
  weight: bigint;
  sqrtWeight: number;
}

export const UNVERIFIED: BallotWeight = { cohort: 'unverified', weight: 0n, sqrtWeight: 0 };

/**
 * How one snapshot weighs ballots: a cookie ballot (no address) is
 * unverified; a wallet's is its balance there (0 when it held none), labels
 * deciding custodial (no weight) and insiders. The cohort thresholds are
 * worked out in base units once per snapshot, not per ballot (re-weighting
 * 100,000 ballots spent most of its time there otherwise).
 */
export function ballotWeigher(
  supply: bigint,
  token: WeightingToken,
): (address: string | null, balance: bigint) => BallotWeight {
  const units = cohortThresholdUnits(supply, token.thresholds);
  return (address, balance) => {
    if (address === null) return UNVERIFIED;
    const kind = token.labels[address.toLowerCase()]?.kind ?? null;
    return {
      cohort: cohortFromUnits(balance, units, kind),
      weight: ballotWeight(balance, kind),
      sqrtWeight: sqrtWeight(balance, token.decimals, kind),
    };
  };
}

/**
 * The key a poll's stored weights are valid for: they are rebuilt when the
 * snapshot (a re-import at the same block is a new one) or the token's
 * definition changes.
 */
export function weightsKey(snapshot: { id: number; block: number } | null, token: WeightingToken | null): string {
  return JSON.stringify({ snapshot: snapshot && { id: snapshot.id, block: snapshot.block }, token });
}

/** What a poll keeps of its token's definition for weighting: decimals, cohort thresholds, labels (lower-case). */
export function weightingTokenOf(
  token: Pick<TokenDefinition, 'symbol' | 'decimals' | 'cohorts' | 'labels'>,
): WeightingToken {
  return {
    symbol: token.symbol,
    decimals: token.decimals,
    thresholds: { whale: token.cohorts.whale, dolphin: token.cohorts.dolphin, fish: token.cohorts.fish },
    labels: Object.fromEntries(
      Object.entries(token.labels).map(([address, label]) => [address.toLowerCase(), { ...label }]),
    ),
  };
}
