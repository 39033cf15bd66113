import { describeSource } from '../chain/presentation.ts';
import type { SnapshotSource } from '../chain/snapshot.ts';
import { translator } from '../i18n/i18n.ts';
import type { PollRecord } from '../polls/records.ts';
import { leadingIds, percentages } from '../polls/tally.ts';
import type { DecisiveView } from './decisive.ts';
import { floorCohorts, type CohortResult } from './privacy.ts';
import type { CohortData } from './repo.server.ts';
import { describeLeader, tallyCohorts, type Leading, type PollOption } from './tallies.ts';

/**
 * What a reader may see of a token poll's results by cohort: the API
 * fields, the page and the CSV are all built from this one value, so the
 * privacy floor and the visibility rule are applied in one place.
 */

export interface TallyView extends Leading {
  options: { id: string; votes?: number; weight?: string | number; percent: number }[];
  /** The leader or the tie, in words. */
  summary: string;
}

export interface CohortResults {
  verifiedVotes: number | null;
  weighting: {
    mode: 'open' | 'latest' | 'block';
    block: number | null;
    date: string | null;
    source: string | null;
    simulated: boolean;
    /** The block a `block` poll pins, taken or not; null in the other modes. */
    pin: number | null;
    /** Where the snapshot came from, as data, for a page that words it in its own language; null before one. */
    origin: SnapshotSource | null;
    /** What the mode means for the reader, in one sentence (English, as the API speaks). */
    note: string;
  };
  /** null while the poll hides its results from this reader, or before a snapshot exists. */
  cohorts: CohortResult[] | null;
  tallies: {
    ballots: TallyView;
    wallets: TallyView;
    tokens: TallyView | null;
    squareRoot: TallyView | null;
  } | null;
  /** Why the weighted tallies are not shown yet, or null. */
  weightedNote: string | null;
  /** Verified ballots the cohort tallies counted (what the weighted tallies wait for); null with `tallies`. */
  verifiedBallots: number | null;
  disagreement: string | null;
  /** `updating`: worked out before the ballots the tallies beside them count (reads.server.ts). */
  decisiveWallets: DecisiveView | null;
  publicBallots: boolean;
}

/** The API's words: GET /api/polls/<id> is read by scripts and other sites, in English. */
const API_WORDS = translator('en');

function weightingNote(data: CohortData): string {
  if (data.mode === 'latest') {
    return 'Weights follow the latest snapshot and are recomputed when a new one lands, until the poll closes.';
  }
  if (data.mode === 'block') {
    return data.snapshot
      ? `Weights come from the snapshot at block ${data.snapshot.block}, pinned by the poll.`
      : `Weights will come from the snapshot at block ${data.pin ?? '?'}, which has not been taken yet.`;
  }
  return data.snapshot
    ? 'Weights come from the last snapshot before the poll opened (or the first after, if none came before), fixed so nobody can buy tokens to sway it.'
    : 'Weights will come from the first snapshot of the token; none exists yet.';
}

/**
 * The cohort fields of a token poll's results. `visible` is the plain
 * results' visibility for this reader; `decisive` is computed elsewhere from
 * ballots (it reads them) and passed in.
 */
export function presentCohortResults(
  poll: Pick<PollRecord, 'options' | 'verifiedVotes'>,
  data: CohortData,
  decisive: DecisiveView | null,
  visible: boolean,
): CohortResults {
  const options: PollOption[] = poll.options.map((o) => ({ id: o.optionId, label: o.label }));
  const ids = options.map((o) => o.id);
  const weighting: CohortResults['weighting'] = {
    mode: data.mode,
    block: data.snapshot?.block ?? null,
    date: data.snapshot ? new Date(data.snapshot.takenAt).toISOString() : null,
    source: data.snapshot ? describeSource(data.snapshot.source, API_WORDS) : null,
    pin: data.mode === 'block' ? (data.pin ?? null) : null,
    origin: data.snapshot?.source ?? null,
    simulated: data.snapshot?.simulated ?? false,
    note: weightingNote(data),
  };
  const base = { verifiedVotes: visible ? poll.verifiedVotes : null, weighting, publicBallots: data.publicBallots };
  if (!visible || data.snapshot === null) {
    return {
      ...base,
      cohorts: null,
      tallies: null,
      weightedNote: null,
      verifiedBallots: null,
      disagreement: null,
      decisiveWallets: null,
    };
  }
  const tallies = tallyCohorts(options, data.counters);
  const view = (tally: Leading & { options: { id: string; percent: number }[] }, keep: 'votes' | 'weight' | null) => ({
    leader: tally.leader,
    summary: describeLeader(tally, options),
    options: tally.options.map((o) => {
      const value = keep && (o as Record<string, unknown>)[keep];
      return { id: o.id, percent: o.percent, ...(keep && value !== undefined ? { [keep]: value } : {}) };
    }),
  });
  // The plain results count imported ballots too; one ballot one vote stays equal to them.
  const plainVotes = poll.options.map((o) => o.votes);
  const plainShares = percentages(plainVotes);
  const ballots = {
    ...tallies.ballots,
    options: ids.map((id, i) => ({ id, votes: plainVotes[i] ?? 0, percent: plainShares[i] ?? 0 })),
  };
  ballots.leader = leadingIds(ids, plainVotes);
  // Exact weights could give away a large holder's balance and choice; without public ballots only whole percentages.
  const weightKept = data.publicBallots ? 'weight' : null;
  return {
    ...base,
    cohorts: floorCohorts(ids, data.counters, { publicBallots: data.publicBallots }),
    tallies: {
      ballots: view(ballots, 'votes'),
      wallets: view(tallies.wallets, 'votes'),
      tokens: tallies.tokens && view(tallies.tokens, weightKept),
      squareRoot: tallies.squareRoot && view(tallies.squareRoot, weightKept),
    },
    weightedNote: tallies.weightedNote,
    verifiedBallots: tallies.verifiedBallots,
    disagreement: tallies.disagreement,
    decisiveWallets: tallies.tokens === null ? null : decisive,
  };
}
