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
