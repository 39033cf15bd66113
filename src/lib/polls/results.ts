import type { PollRecord } from './records.ts';
import { pollStatus, resultsVisible, type PollStatus } from './rules.ts';
import { isSmallSample, percentages } from './tally.ts';
import type { BusyNetworks } from './networks.ts';

export interface OptionResult {
  id: string;
  label: string;
  labels: Record<string, string>;
  /** null while the poll hides its counts from this reader. */
  votes: number | null;
  percent: number | null;
}

/** The public shape of a poll's results, as the API returns and the widget renders it. */
export interface PollResults {
  id: string;
  question: string;
  /** The question by language where the definition translates it (`zh`, `en`). */
  questionLabels: Record<string, string>;
  kind: 'single' | 'multiple';
  maxChoices: number;
  voters: 'anyone' | 'wallet';
  status: PollStatus;
  opensAt: string;
  closesAt: string | null;
  allowChange: boolean;
  resultsVisibility: PollRecord['results'];
  resultsVisible: boolean;
  totalVotes: number | null;
  smallSample: boolean;
  /** Ballots cast here by signed-in wallets, or claimed by one afterwards; null while hidden. */
  verifiedVotes: number | null;
  /**
   * Ballots cast here without a wallet from client networks that each cast more than BUSY_NETWORK_BALLOTS
   * of them, and how many such networks (never which); null while hidden.
   */
  anonymousFromBusyNetworks: BusyNetworks | null;
  /** Ballots carried over from elsewhere, with where from; null for a poll run only here. */
  imported: { votes: number; source: string; url: string | null } | null;
  options: OptionResult[];
  myVote: string[] | null;
  /** Whether a wallet stands behind the reader's ballot (false without one). */
  myVoteVerified: boolean;
}

/**
 * Builds what a reader may see of a poll. Hidden counts are left out here, at
 * the one place every response is built, so neither HTML nor JSON can leak them.
 */
export function presentResults(
  poll: PollRecord,
  ballot: { optionIds: string[]; verified: boolean } | string[] | null,
  now: number,
): PollResults {
  const myVote = ballot === null || Array.isArray(ballot) ? ballot : ballot.optionIds;
  const status = pollStatus(poll, now);
  const visible = resultsVisible(poll.results, status, myVote !== null);
  const shares = percentages(poll.options.map((o) => o.votes));
  return {
    id: poll.id,
    question: poll.question,
    questionLabels: poll.questionLabels,
    kind: poll.kind,
    maxChoices: poll.maxChoices,
    voters: poll.voters,
    status,
    opensAt: new Date(poll.opensAt).toISOString(),
    closesAt: poll.closesAt === null ? null : new Date(poll.closesAt).toISOString(),
    allowChange: poll.allowChange,
    resultsVisibility: poll.results,
    resultsVisible: visible,
    totalVotes: visible ? poll.totalVotes : null,
    smallSample: visible && isSmallSample(poll.totalVotes),
    verifiedVotes: visible ? poll.verifiedVotes : null,
    anonymousFromBusyNetworks: visible ? { ballots: poll.busyNetworkBallots, networks: poll.busyNetworks } : null,
    imported:
      poll.source && poll.importedTotal > 0
        ? { votes: poll.importedTotal, source: poll.source.name, url: poll.source.url ?? null }
        : null,
    options: poll.options.map((o, i) => ({
      id: o.optionId,
      label: o.label,
      labels: o.labels,
      votes: visible ? o.votes : null,
      percent: visible ? (shares[i] ?? 0) : null,
    })),
    myVote,
    myVoteVerified: ballot !== null && !Array.isArray(ballot) && ballot.verified,
  };
}

/** Open polls first (soonest to close first), then scheduled, then closed (latest first). */
export function sortForListing(polls: readonly PollResults[]): PollResults[] {
  const rank: Record<PollStatus, number> = { open: 0, scheduled: 1, closed: 2 };
  const time = (p: PollResults): number => Date.parse(p.closesAt ?? '9999-12-31T00:00:00Z');
  return [...polls].sort((a, b) => {
    if (a.status !== b.status) return rank[a.status] - rank[b.status];
    if (a.status === 'closed') return time(b) - time(a);
    if (a.status === 'scheduled') return Date.parse(a.opensAt) - Date.parse(b.opensAt);
    return time(a) - time(b) || a.id.localeCompare(b.id);
  });
}
