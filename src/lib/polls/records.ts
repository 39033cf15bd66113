/** A poll as stored, with its options in display order. Plain data, no I/O. */
export interface PollOptionRecord {
  optionId: string;
  position: number;
  label: string;
  labels: Record<string, string>;
  importedVotes: number;
  /** Imported plus cast. */
  votes: number;
}

export interface PollRecord {
  id: string;
  question: string;
  kind: 'single' | 'multiple';
  maxChoices: number;
  opensAt: number;
  closesAt: number | null;
  voters: 'anyone' | 'wallet';
  results: 'always' | 'after-vote' | 'after-close';
  allowChange: boolean;
  token: string | null;
  source: { name: string; url?: string; capturedAt?: string } | null;
  importedTotal: number;
  /** Imported plus cast ballots. */
  totalVotes: number;
  version: number;
  options: PollOptionRecord[];
}

/** The poll with counts replaced by fresher ones (e.g. read in the transaction that wrote a vote). */
export function withCounts(
  poll: PollRecord,
  counts: { totalVotes: number; version: number; votes: ReadonlyMap<string, number> },
): PollRecord {
  return {
    ...poll,
    totalVotes: counts.totalVotes,
    version: counts.version,
    options: poll.options.map((o) => ({ ...o, votes: counts.votes.get(o.optionId) ?? o.votes })),
  };
}
