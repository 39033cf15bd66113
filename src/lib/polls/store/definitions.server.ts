import { and, eq, isNull, like, notInArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { getAddress } from 'viem';
import { pollOptions, polls, votes } from '../../../../db/schema.ts';
import {
  excluded,
  excludedValues,
  writeTransaction,
  type Database,
  type Queries,
} from '../../platform/db/db.server.ts';
import type { WeightingToken } from '../../cohorts/ids.ts';
import type { PollDefinition } from '../schemas.ts';
import { findOrphanedVotes, importedBallots, type StoredPollCounts } from '../sync.ts';

/*
 * Making the database's polls match their definitions in src/content/polls, in one transaction.
 */

export class PollSyncError extends Error {
  override name = 'PollSyncError';
}

/** A weighting token's stored form by its symbol, or null when the token is unknown. */
type TokenLookup = (symbol: string) => WeightingToken | null;

/**
 * Makes the database match the poll definitions in src/content/polls. Refuses,
 * changing nothing, when an edit would orphan votes (see findOrphanedVotes).
 */
export async function syncPollDefinitions(
  db: Database,
  definitions: readonly PollDefinition[],
  tokens: TokenLookup = () => null,
): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const problems = await refusedEdits(tx, definitions);
    if (problems.length > 0) {
      throw new PollSyncError(`poll definitions would orphan votes:\n- ${problems.join('\n- ')}`);
    }
    const writes = definitions.flatMap((d) => definitionWrites(tx, d, tokens));
    writes.push(
      tx.delete(polls).where(
        notInArray(
          polls.id,
          definitions.map((d) => d.id),
        ),
      ),
    );
    await tx.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    await fillLegacyAddresses(tx);
  });
}

/** Why the definitions may not replace what is stored: one line per problem, none when they may. */
async function refusedEdits(tx: Queries, definitions: readonly PollDefinition[]): Promise<string[]> {
  const [storedPolls, storedOptions] = await tx.batch([
    tx
      .select({
        id: polls.id,
        cast: sql<number>`${polls.totalVotes} - ${polls.importedTotal}`,
        publicBallots: polls.publicBallots,
      })
      .from(polls),
    tx
      .select({
        pollId: pollOptions.pollId,
        optionId: pollOptions.optionId,
        castVotes: sql<number>`${pollOptions.votes} - ${pollOptions.importedVotes}`,
      })
      .from(pollOptions),
  ]);
  const stored: StoredPollCounts[] = storedPolls.map((p) => ({
    id: p.id,
    castBallots: p.cast,
    options: storedOptions.filter((o) => o.pollId === p.id),
  }));
  const problems = findOrphanedVotes(definitions, stored);
  // Voters were told before voting whether their ballots would be published; that cannot change under them.
  for (const d of definitions) {
    const before = storedPolls.find((p) => p.id === d.id);
    if (before && before.cast > 0 && before.publicBallots !== d.publicBallots) {
      problems.push(`${d.id}: publicBallots cannot change once ballots exist (it was ${before.publicBallots})`);
    }
  }
  return problems;
}

/** The statements that store one definition: its poll, its options, and the removal of options it dropped. */
function definitionWrites(tx: Queries, d: PollDefinition, tokens: TokenLookup): BatchItem<'sqlite'>[] {
  return [
    upsertPoll(tx, d, tokens),
    ...d.options.map((o, position) => upsertOption(tx, d.id, o, position)),
    // Options without cast votes may go (findOrphanedVotes checked the others).
    tx.delete(pollOptions).where(
      and(
        eq(pollOptions.pollId, d.id),
        notInArray(
          pollOptions.optionId,
          d.options.map((o) => o.id),
        ),
      ),
    ),
  ];
}

/** A definition's poll row, as inserted the first time. */
function pollValues(d: PollDefinition, tokens: TokenLookup): typeof polls.$inferInsert {
  const imported = importedBallots(d);
  return {
    id: d.id,
    question: d.question,
    questionLabels: d.questionLabels ?? {},
    kind: d.kind,
    maxChoices: d.kind === 'single' ? 1 : (d.maxChoices ?? d.options.length),
    opensAt: d.opensAt.getTime(),
    closesAt: d.closesAt?.getTime() ?? null,
    voters: d.voters,
    results: d.results,
    allowChange: d.allowChange,
    token: d.token ?? null,
    weighting: d.weighting === undefined ? 'open' : 'block' in d.weighting ? 'block' : 'latest',
    weightingPin: d.weighting && 'block' in d.weighting ? d.weighting.block : null,
    weightingToken: d.token ? tokens(d.token) : null,
    publicBallots: d.publicBallots,
    resolution: d.resolution ?? null,
    source: d.source
      ? {
          name: d.source.name,
          ...(d.source.url ? { url: d.source.url } : {}),
          ...(d.source.capturedAt ? { capturedAt: d.source.capturedAt.toISOString() } : {}),
        }
      : null,
    importedTotal: imported,
    totalVotes: imported,
    version: 1,
  };
}

/** Inserts a definition's poll, or updates its definition and keeps its cast votes (a new version). */
function upsertPoll(tx: Queries, d: PollDefinition, tokens: TokenLookup): BatchItem<'sqlite'> {
  return tx
    .insert(polls)
    .values(pollValues(d, tokens))
    .onConflictDoUpdate({
      target: polls.id,
      set: {
        ...excludedValues(polls, [
          'question',
          'questionLabels',
          'kind',
          'maxChoices',
          'opensAt',
          'closesAt',
          'voters',
          'results',
          'allowChange',
          'token',
          'weighting',
          'weightingPin',
          'weightingToken',
          'publicBallots',
          'resolution',
          'source',
          'importedTotal',
        ]),
        totalVotes: sql`${polls.totalVotes} - ${polls.importedTotal} + ${excluded(polls.importedTotal)}`,
        version: sql`${polls.version} + 1`,
      },
    });
}

/** Inserts an option at `position`, or updates its definition and keeps its cast votes. */
function upsertOption(
  tx: Queries,
  pollId: string,
  o: PollDefinition['options'][number],
  position: number,
): BatchItem<'sqlite'> {
  return tx
    .insert(pollOptions)
    .values({
      pollId,
      optionId: o.id,
      position,
      label: o.label,
      labels: o.labels ?? {},
      importedVotes: o.importedVotes,
      votes: o.importedVotes,
    })
    .onConflictDoUpdate({
      target: [pollOptions.pollId, pollOptions.optionId],
      set: {
        ...excludedValues(pollOptions, ['position', 'label', 'labels', 'importedVotes']),
        votes: sql`${pollOptions.votes} - ${pollOptions.importedVotes} + ${excluded(pollOptions.importedVotes)}`,
      },
    });
}

/** Wallet-only ballots from before votes.address existed name their wallet only in the voter id. */
async function fillLegacyAddresses(tx: Queries): Promise<void> {
  const legacy = await tx
    .select({ id: votes.id, voterId: votes.voterId })
    .from(votes)
    .innerJoin(polls, eq(polls.id, votes.pollId))
    .where(and(eq(polls.voters, 'wallet'), like(votes.voterId, 'wallet:0x%'), isNull(votes.address)));
  for (const ballot of legacy) {
    const address = getAddress(ballot.voterId.slice('wallet:'.length));
    await tx.update(votes).set({ address }).where(eq(votes.id, ballot.id));
  }
}
