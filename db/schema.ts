import { foreignKey, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every table of the site, in one place. Timestamps are integer milliseconds
 * since the epoch (UTC); SQL names are plural and snake_case.
 */

/** Poll definitions, synced from src/content/polls on every start. */
export const polls = sqliteTable('polls', {
  id: text('id').primaryKey(),
  question: text('question').notNull(),
  kind: text('kind', { enum: ['single', 'multiple'] }).notNull(),
  maxChoices: integer('max_choices').notNull(),
  opensAt: integer('opens_at').notNull(),
  closesAt: integer('closes_at'),
  voters: text('voters', { enum: ['anyone', 'wallet'] }).notNull(),
  results: text('results', { enum: ['always', 'after-vote', 'after-close'] }).notNull(),
  allowChange: integer('allow_change', { mode: 'boolean' }).notNull(),
  token: text('token'),
  /** Where imported results come from, as JSON: {"name", "url"?, "capturedAt"?}. */
  source: text('source', { mode: 'json' }).$type<{ name: string; url?: string; capturedAt?: string }>(),
  /** Ballots carried over from where the poll first ran (see `source`). */
  importedTotal: integer('imported_total').notNull().default(0),
  /** Ballots cast here plus imported ones; kept current by every vote write. */
  totalVotes: integer('total_votes').notNull().default(0),
  /** Bumped on every write so live subscribers can detect change cheaply. */
  version: integer('version').notNull().default(0),
});

export const pollOptions = sqliteTable(
  'poll_options',
  {
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    optionId: text('option_id').notNull(),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    /** Translations of the label by language, as JSON: {"zh": "...", "en": "..."}. */
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    /** Votes imported from an earlier platform; never changed by voting here. */
    importedVotes: integer('imported_votes').notNull().default(0),
    /** Imported plus cast votes, kept current by every vote write. */
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.optionId] })],
);

/** One ballot per voter per poll: the unique index is the rule. */
export const votes = sqliteTable(
  'votes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    voterId: text('voter_id').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('votes_poll_voter_unique').on(t.pollId, t.voterId)],
);

/** The options a ballot chose (several for multiple-choice polls). */
export const voteChoices = sqliteTable(
  'vote_choices',
  {
    voteId: integer('vote_id')
      .notNull()
      .references(() => votes.id, { onDelete: 'cascade' }),
    pollId: text('poll_id').notNull(),
    optionId: text('option_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.voteId, t.optionId] }),
    foreignKey({ columns: [t.pollId, t.optionId], foreignColumns: [pollOptions.pollId, pollOptions.optionId] }),
  ],
);

/**
 * Net votes gained by each option in each hour, written with every vote, so
 * the sentiment-over-time chart reads one row per option and hour instead of
 * every ballot. A changed vote subtracts from the option it left.
 */
export const voteBuckets = sqliteTable(
  'vote_buckets',
  {
    pollId: text('poll_id').notNull(),
    optionId: text('option_id').notNull(),
    /** Start of the hour, epoch milliseconds. */
    hourStart: integer('hour_start').notNull(),
    votes: integer('votes').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.pollId, t.hourStart, t.optionId] }),
    foreignKey({
      columns: [t.pollId, t.optionId],
      foreignColumns: [pollOptions.pollId, pollOptions.optionId],
    }).onDelete('cascade'),
  ],
);
