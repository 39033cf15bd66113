import type { PollDefinition } from './schemas.ts';

/** What the database holds of a poll, enough to tell whether an edit would orphan votes. */
export interface StoredPollCounts {
  id: string;
  castBallots: number;
  options: { optionId: string; castVotes: number }[];
}

/**
 * Definition edits that would separate votes from what they were cast for:
 * removing (or renaming) an option that has votes, or deleting a poll that has
 * ballots. Adding options and changing labels or times is fine.
 * Returns one human sentence per problem, naming the poll and option.
 */
export function findOrphanedVotes(
  definitions: readonly PollDefinition[],
  stored: readonly StoredPollCounts[],
): string[] {
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const problems: string[] = [];
  for (const poll of stored) {
    const definition = byId.get(poll.id);
    if (!definition) {
      if (poll.castBallots > 0) {
        problems.push(
          `poll "${poll.id}" has ${poll.castBallots} cast ballot(s) but no definition in src/content/polls/${poll.id}.yaml; restore it`,
        );
      }
      continue;
    }
    const defined = new Set(definition.options.map((o) => o.id));
    for (const option of poll.options) {
      if (option.castVotes > 0 && !defined.has(option.optionId)) {
        problems.push(
          `poll "${poll.id}": option "${option.optionId}" has ${option.castVotes} vote(s) and was removed or renamed; restore that option id (its label may change)`,
        );
      }
    }
  }
  return problems;
}

/** Ballots a definition imports: stated by the source, or for a single-choice poll the sum of its votes. */
export function importedBallots(definition: PollDefinition): number {
  return definition.source?.voters ?? definition.options.reduce((sum, o) => sum + o.importedVotes, 0);
}
