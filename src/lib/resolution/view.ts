import type { SnapshotSource } from '../chain/snapshot.ts';
import { describeSource } from '../chain/presentation.ts';
import type { CohortResult } from '../cohorts/privacy.ts';
import type { ResolutionDefinition } from './definition.ts';
import { accuracy, cohortAccuracy, describeChange, type Accuracy, type CohortAccuracy } from './resolve.ts';
import type { PendingReason, ResolutionState } from './status.ts';
import { translator } from '../i18n/i18n.ts';

/** The API's words: GET /api/polls/<id> and the stored outcome speak English; pages word the figures themselves. */
const API_WORDS = translator('en');

/**
 * The `resolution` field of GET /api/polls/<id>: the definition, where the
 * poll stands, and once the chain settled it, how each tally did. Pure.
 */

/** A snapshot as the view names it. */
export interface MeasuredView {
  block: number;
  takenAt: string;
  value: number;
  /** Where the snapshot came from, in words (chain and contract, or the holder export and its hash); null when not kept. */
  source: string | null;
  /** The same as data, for a page that words it in its own language; null when not kept. */
  origin: SnapshotSource | null;
}

export interface ResolutionView {
  definition: ResolutionDefinition;
  status: 'pending' | 'resolved';
  /** A snapshot it is measured on is simulated (the demo's). */
  simulated: boolean;
  /** The date the first snapshot at or after settles it, YYYY-MM-DD. */
  resolvesOn: string;
  /** Why it is still pending; null once resolved. */
  reason: PendingReason | null;
  start: MeasuredView | null;
  /** The settling snapshot once resolved, else the latest one so far. */
  end: MeasuredView | null;
  /** end − start, rounded to 6 decimals; null while either is missing. */
  change: number | null;
  description: string | null;
  /** The option the chain picked; null while pending. */
  outcome: string | null;
  /** How the crowd did; null while pending or while the poll hides its results. */
  accuracy: {
    ballots: Accuracy<number>;
    wallets: Accuracy<number> | null;
    /** Token-weighted, weights from the poll's weighting snapshot: the share only, as the tallies show. */
    tokens: { share: number | null } | null;
    /** Under the privacy floor: a hidden cohort has no accuracy. */
    cohorts: CohortAccuracy[] | null;
  } | null;
}

/** The stored outcome of a settled poll, as poll_resolutions keeps it. */
export interface SettledResolution {
  fromBlock: number;
  fromTakenAt: number;
  fromValue: number;
  toBlock: number;
  toTakenAt: number;
  toValue: number;
  fromSource: SnapshotSource | null;
  toSource: SnapshotSource | null;
  simulated: boolean;
  change: number;
  outcome: string;
  definition: ResolutionDefinition;
}

/** The tallies accuracy is scored on, each per option id. */
export interface ScoredTallies {
  /** One ballot, one vote, imported ballots included. */
  ballots: ReadonlyMap<string, number>;
  wallets: ReadonlyMap<string, number> | null;
  /** Exact weight sums, base units; null where the poll shows no token tally. */
  tokens: ReadonlyMap<string, bigint> | null;
  cohorts: readonly CohortResult[] | null;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const measured = (block: number, takenAt: number, value: number, source: SnapshotSource | null): MeasuredView => ({
  block,
  takenAt: new Date(takenAt).toISOString(),
  value,
  source: source && describeSource(source, API_WORDS),
  origin: source,
});

/**
 * A settled poll's view from its stored outcome (the definition it was settled
 * under, not today's), or a pending one's from its current state. `tallies` is
 * null while the poll hides its results from this reader.
 */
export function presentResolution(
  definition: ResolutionDefinition,
  settled: SettledResolution | null,
  pending: ResolutionState | null,
  tallies: ScoredTallies | null,
): ResolutionView | null {
  if (settled) {
    const used = settled.definition;
    const scored = Object.keys(used.outcomes);
    const picked = settled.outcome;
    return {
      definition: used,
      status: 'resolved',
      simulated: settled.simulated,
      resolvesOn: used.at,
      reason: null,
      start: measured(settled.fromBlock, settled.fromTakenAt, settled.fromValue, settled.fromSource),
      end: measured(settled.toBlock, settled.toTakenAt, settled.toValue, settled.toSource),
      change: settled.change,
      description: describeChange(used, settled.fromValue, settled.toValue, API_WORDS),
      outcome: picked,
      accuracy: tallies && {
        ballots: accuracy(tallies.ballots, scored, picked, 0),
        wallets: tallies.wallets && accuracy(tallies.wallets, scored, picked, 0),
        tokens: tallies.tokens && { share: accuracy(tallies.tokens, scored, picked, 0n).share },
        cohorts: tallies.cohorts && cohortAccuracy(tallies.cohorts, scored, picked),
      },
    };
  }
  if (!pending || pending.status !== 'pending') return null;
  const { from, current } = pending;
  return {
    definition,
    status: 'pending',
    simulated: Boolean(from?.snapshot.simulated || current?.snapshot.simulated),
    resolvesOn: day(pending.resolvesOn),
    reason: pending.reason,
    start: from && measured(from.snapshot.block, from.snapshot.takenAt, from.value, from.snapshot.source),
    end: current && measured(current.snapshot.block, current.snapshot.takenAt, current.value, current.snapshot.source),
    change: current?.change ?? null,
    description: from && current ? describeChange(definition, from.value, current.value, API_WORDS) : null,
    outcome: null,
    accuracy: null,
  };
}
