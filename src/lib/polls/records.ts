import type { pollOptions, polls } from '../../../db/schema.ts';

/** A poll as stored (db/schema.ts), with its options in display order. Plain data, no I/O. */
export type PollOptionRecord = Omit<typeof pollOptions.$inferSelect, 'pollId'>;

export type PollRecord = typeof polls.$inferSelect & { options: PollOptionRecord[] };

/** The poll with counts replaced by fresher ones (e.g. read in the transaction that wrote a vote). */
export function withCounts(
  poll: PollRecord,
  counts: {
    totalVotes: number;
    verifiedVotes: number;
    version: number;
    busyNetworkBallots: number;
    busyNetworks: number;
    votes: ReadonlyMap<string, number>;
  },
): PollRecord {
  return {
    ...poll,
    totalVotes: counts.totalVotes,
    verifiedVotes: counts.verifiedVotes,
    version: counts.version,
    busyNetworkBallots: counts.busyNetworkBallots,
    busyNetworks: counts.busyNetworks,
    options: poll.options.map((o) => ({ ...o, votes: counts.votes.get(o.optionId) ?? o.votes })),
  };
}
