import { csvField } from '../platform/http/csv.ts';
import { pooledAccuracy, type Accuracy } from './resolve.ts';
import type { ResolutionView } from './view.ts';

/**
 * The track record: every resolved poll, what the crowd said beside what the
 * chain said, and how each tally and cohort did over all of them, pooled
 * (right ballots ÷ scored ballots summed over polls). Pure.
 */

/** An option as the track record names it, with its translations (a page shows its language's). */
export interface RecordOption {
  id: string;
  label: string;
  labels: Record<string, string>;
}

/** One resolved poll as the track record lists it. */
export interface TrackRecordPoll {
  id: string;
  question: string;
  /** The question by language where the poll translates it. */
  questionLabels: Record<string, string>;
  token: string;
  /** When the settling snapshot was taken. */
  settledAt: string;
  description: string;
  /** Scored on simulated snapshots (the demo's). */
  simulated: boolean;
  chain: RecordOption;
  /** The option(s) with most ballots, one ballot one vote (several on a tie; none without ballots). */
  crowd: RecordOption[];
  accuracy: NonNullable<ResolutionView['accuracy']>;
}

export interface PooledCohort {
  id: string;
  label: string;
  /** Polls in which the cohort was shown (not under the floor) and had scored ballots. */
  polls: number;
  accuracy: Accuracy<number>;
}

export interface TrackRecord {
  polls: TrackRecordPoll[];
  pooled: {
    ballots: Accuracy<number>;
    wallets: Accuracy<number>;
    /** Best first: highest pooled share, then most scored ballots; cohorts never scored last. */
    cohorts: PooledCohort[];
  };
}

/** What the track record needs of one resolved poll. */
export interface ResolvedPoll {
  id: string;
  question: string;
  questionLabels: Readonly<Record<string, string>>;
  token: string;
  options: readonly { id: string; label: string; labels: Readonly<Record<string, string>>; votes: number }[];
  resolution: ResolutionView;
}

/** The track record of `resolved` polls: those the reader may see results of, settled, newest first. */
export function buildTrackRecord(resolved: readonly ResolvedPoll[]): TrackRecord {
  const polls: TrackRecordPoll[] = [];
  for (const poll of resolved) {
    const { resolution } = poll;
    if (resolution.status !== 'resolved' || !resolution.accuracy || !resolution.outcome || !resolution.end) continue;
    const top = Math.max(0, ...poll.options.map((o) => o.votes));
    const named = (o: ResolvedPoll['options'][number]): RecordOption => ({
      id: o.id,
      label: o.label,
      labels: { ...o.labels },
    });
    const chosen = poll.options.find((o) => o.id === resolution.outcome);
    polls.push({
      id: poll.id,
      question: poll.question,
      questionLabels: { ...poll.questionLabels },
      token: poll.token,
      settledAt: resolution.end.takenAt,
      description: resolution.description ?? '',
      simulated: resolution.simulated,
      chain: chosen ? named(chosen) : { id: resolution.outcome, label: resolution.outcome, labels: {} },
      crowd: top === 0 ? [] : poll.options.filter((o) => o.votes === top).map(named),
      accuracy: resolution.accuracy,
    });
  }
  polls.sort((a, b) => b.settledAt.localeCompare(a.settledAt) || a.id.localeCompare(b.id));

  const byCohort = new Map<string, { label: string; parts: Accuracy<number>[] }>();
  for (const poll of polls) {
    for (const cohort of poll.accuracy.cohorts ?? []) {
      if (!cohort.accuracy || cohort.accuracy.scored === 0) continue;
      const entry = byCohort.get(cohort.id) ?? { label: cohort.label, parts: [] };
      entry.parts.push(cohort.accuracy);
      byCohort.set(cohort.id, entry);
    }
  }
  const cohorts = [...byCohort].map(([id, { label, parts }]): PooledCohort => ({
    id,
    label,
    polls: parts.length,
    accuracy: pooledAccuracy(parts),
  }));
  cohorts.sort(
    (a, b) =>
      (b.accuracy.share ?? -1) - (a.accuracy.share ?? -1) ||
      b.accuracy.scored - a.accuracy.scored ||
      a.id.localeCompare(b.id),
  );
  return {
    polls,
    pooled: {
      ballots: pooledAccuracy(polls.map((p) => p.accuracy.ballots)),
      wallets: pooledAccuracy(polls.flatMap((p) => (p.accuracy.wallets ? [p.accuracy.wallets] : []))),
      cohorts,
    },
  };
}

const share = (a: Accuracy<number> | null | undefined): string | null =>
  a?.share === null || a?.share === undefined ? null : a.share.toFixed(4);

/** The track record as CSV: one row per poll and tally, then the pooled rows (poll_id "all"). */
export function trackRecordCsv(record: TrackRecord): string {
  const header = [
    'poll_id',
    'token',
    'settled_at',
    'simulated',
    'chain_option',
    'crowd_options',
    'tally',
    'right',
    'scored',
    'accuracy',
  ];
  const rows: (string | number | null)[][] = [];
  for (const p of record.polls) {
    const base = [p.id, p.token, p.settledAt, String(p.simulated), p.chain.id, p.crowd.map((c) => c.id).join(' ')];
    rows.push([...base, 'ballots', p.accuracy.ballots.right, p.accuracy.ballots.scored, share(p.accuracy.ballots)]);
    if (p.accuracy.wallets) {
      rows.push([...base, 'wallets', p.accuracy.wallets.right, p.accuracy.wallets.scored, share(p.accuracy.wallets)]);
    }
    if (p.accuracy.tokens) rows.push([...base, 'tokens', null, null, p.accuracy.tokens.share?.toFixed(4) ?? null]);
    for (const c of p.accuracy.cohorts ?? []) {
      if (c.accuracy) rows.push([...base, `cohort:${c.id}`, c.accuracy.right, c.accuracy.scored, share(c.accuracy)]);
    }
  }
  const all = ['all', null, null, null, null, null];
  const { pooled } = record;
  rows.push([...all, 'ballots', pooled.ballots.right, pooled.ballots.scored, share(pooled.ballots)]);
  rows.push([...all, 'wallets', pooled.wallets.right, pooled.wallets.scored, share(pooled.wallets)]);
  for (const c of pooled.cohorts)
    rows.push([...all, `cohort:${c.id}`, c.accuracy.right, c.accuracy.scored, share(c.accuracy)]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
