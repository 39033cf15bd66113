import type { PollRecord } from '../../src/lib/polls/records.ts';

/** A stored poll for unit tests: two options a and b, open from 0, no token; override what a test is about. */
export function pollRecord(overrides: Partial<PollRecord> = {}): PollRecord {
  return {
    id: 'p',
    question: 'Q?',
    questionLabels: {},
    kind: 'single',
    maxChoices: 1,
    opensAt: 0,
    closesAt: null,
    voters: 'anyone',
    results: 'always',
    allowChange: false,
    token: null,
    source: null,
    importedTotal: 0,
    totalVotes: 0,
    verifiedVotes: 0,
    busyNetworkBallots: 0,
    busyNetworks: 0,
    weighting: 'open',
    weightingPin: null,
    weightingBlock: null,
    weightedWith: null,
    weightingToken: null,
    publicBallots: false,
    resolution: null,
    version: 1,
    options: [
      { optionId: 'a', position: 0, label: 'A', labels: {}, importedVotes: 0, votes: 0 },
      { optionId: 'b', position: 1, label: 'B', labels: {}, importedVotes: 0, votes: 0 },
    ],
    ...overrides,
  };
}
