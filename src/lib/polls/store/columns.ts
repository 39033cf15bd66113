import { and, eq, getTableColumns } from 'drizzle-orm';
import { pollOptions, polls, voteChoices, votes } from '../../../../db/schema.ts';

/*
 * Column selections the poll store's reads and writes share.
 */

/** An option's columns but its poll id, which the poll it is read with already carries. */
const { pollId: _pollId, ...optionFields } = getTableColumns(pollOptions);
export const OPTION_FIELDS = optionFields;

/** A ballot's wallet and what it weighs in the cohort ledger, read before a write changes it. */
export const BALLOT_FIELDS = {
  id: votes.id,
  address: votes.address,
  cohort: votes.cohort,
  weight: votes.weight,
  sqrtWeight: votes.sqrtWeight,
};

/** A poll's counters, as a vote write leaves them (FreshCounts without the options). */
export const COUNT_FIELDS = {
  totalVotes: polls.totalVotes,
  verifiedVotes: polls.verifiedVotes,
  version: polls.version,
  busyNetworkBallots: polls.busyNetworkBallots,
  busyNetworks: polls.busyNetworks,
};

/** A ballot's choice joined to the option it names. */
export const CHOSEN_OPTION = and(
  eq(pollOptions.pollId, voteChoices.pollId),
  eq(pollOptions.optionId, voteChoices.optionId),
);
