import { sql } from 'drizzle-orm';
import {
  blob,
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import type {
  EntityEdge,
  EntityGroupingSummary,
  FlowFigureData,
  FlowFigureState,
  FlowSpanFigures,
  ResolutionDefinition,
  SnapshotMetrics,
  SnapshotSource,
  WeightingToken,
} from './json-columns.ts';
import { COHORT_IDS, FLOW_FIGURES, MODERATION_ACTIONS, REPORT_REASONS } from './vocabulary.ts';

/**
 * Every table of the site, in one place. Timestamps are integer milliseconds
 * since the epoch (UTC); SQL names are plural and snake_case. The enum columns'
 * values are in vocabulary.ts and the JSON columns' shapes in json-columns.ts;
 * db/ imports nothing from src/.
 */

/** Poll definitions, synced from src/content/polls on every start. */
export const polls = sqliteTable('polls', {
  id: text('id').primaryKey(),
  question: text('question').notNull(),
  /** The question in other languages, by locale (`{"zh": "..."}`), as the definition's questionLabels give it. */
  questionLabels: text('question_labels', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
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
  /** Ballots cast here by a signed-in wallet (votes.address set); kept current like totalVotes. */
  verifiedVotes: integer('verified_votes').notNull().default(0),
  /**
   * Which snapshot of `token` weights the ballots: the one before the poll
   * opens, the latest (re-weighted as snapshots land, until it closes), or a
   * pinned block.
   */
  weighting: text('weighting', { enum: ['open', 'latest', 'block'] })
    .notNull()
    .default('open'),
  /** The block `weighting: { block }` pins; null otherwise. */
  weightingPin: integer('weighting_pin'),
  /** Block of the snapshot the stored weights come from; null until the token has one. */
  weightingBlock: integer('weighting_block'),
  /** The block and token definition the stored weights were computed with; they are rebuilt when either changes. */
  weightedWith: text('weighted_with'),
  /** What weighting needs of the token definition, synced with the poll: null for a poll without token. */
  weightingToken: text('weighting_token', { mode: 'json' }).$type<WeightingToken>(),
  /** After close, every verified ballot is published with its address (ballots.csv); no privacy floor. */
  publicBallots: integer('public_ballots', { mode: 'boolean' }).notNull().default(false),
  /** How the chain settles the poll (its `resolution:`), synced with it; null for a poll that does not resolve. */
  resolution: text('resolution', { mode: 'json' }).$type<ResolutionDefinition>(),
  /**
   * Ballots cast without a wallet from client networks that cast more than BUSY_NETWORK_BALLOTS of them here,
   * and how many such networks: kept current with poll_network_ballots by every vote write, so a read of the
   * poll's counts carries them at the same version.
   */
  busyNetworkBallots: integer('busy_network_ballots').notNull().default(0),
  busyNetworks: integer('busy_networks').notNull().default(0),
});

/**
 * A poll's outcome as the chain settled it, written once: a snapshot stored
 * later cannot change it. The two snapshots are kept by block, time and value,
 * so the figure stays reproducible even if a snapshot is re-imported.
 */
export const pollResolutions = sqliteTable('poll_resolutions', {
  pollId: text('poll_id')
    .primaryKey()
    .references(() => polls.id, { onDelete: 'cascade' }),
  fromBlock: integer('from_block').notNull(),
  fromTakenAt: integer('from_taken_at').notNull(),
  fromValue: real('from_value').notNull(),
  /** Where each snapshot came from; null for outcomes stored before sources were kept. */
  fromSource: text('from_source', { mode: 'json' }).$type<SnapshotSource>(),
  toBlock: integer('to_block').notNull(),
  toTakenAt: integer('to_taken_at').notNull(),
  toValue: real('to_value').notNull(),
  toSource: text('to_source', { mode: 'json' }).$type<SnapshotSource>(),
  /** Either snapshot simulated (the demo's): every page that shows the outcome says so. */
  simulated: integer('simulated', { mode: 'boolean' }).notNull().default(false),
  /** to − from, rounded to 6 decimals. */
  change: real('change').notNull(),
  /** The option the chain picked. */
  outcome: text('outcome').notNull(),
  /** The definition it was settled under, as it was then. */
  definition: text('definition', { mode: 'json' }).$type<ResolutionDefinition>().notNull(),
  resolvedAt: integer('resolved_at').notNull(),
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

/**
 * One ballot per voter per poll, and one per wallet: the unique indexes are
 * the rule. A ballot always has the browser's voter id; a signed-in reader's
 * also has the wallet, so neither a second browser nor signing out gives
 * anyone a second ballot.
 */
export const votes = sqliteTable(
  'votes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    voterId: text('voter_id').notNull(),
    /** The EIP-55 wallet that cast or claimed this ballot; null for an anonymous one. */
    address: text('address'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Holder cohort at the poll's weighting snapshot ('unverified' without a wallet). */
    cohort: text('cohort', { enum: COHORT_IDS }).notNull().default('unverified'),
    /** Balance at the weighting snapshot in base units, decimal string; '0' when it carries no weight. */
    weight: text('weight').notNull().default('0'),
    /** √(balance ÷ 10^decimals), float. */
    sqrtWeight: real('sqrt_weight').notNull().default(0),
  },
  (t) => [
    uniqueIndex('votes_poll_voter_unique').on(t.pollId, t.voterId),
    // Partial: anonymous ballots, most of them, carry no entry, so a plain vote writes one index fewer.
    // Queries by address (`address = ?`, `address is not null`) still use it.
    uniqueIndex('votes_poll_address_unique')
      .on(t.pollId, t.address)
      .where(sql`${t.address} is not null`),
  ],
);

/**
 * Ballots cast without a wallet in a poll, per client network (an IPv4
 * address, an IPv6 /64), counted in the ballots' own group commit. The
 * network is kept only as a keyed hash (networkHash: HMAC-SHA-256 with the
 * database's `network_salt`), never as an address, and no page shows a
 * network's own count: polls.busyNetworkBallots sums those over the line.
 * A ballot keeps counting where it was cast when a wallet claims it later.
 */
export const pollNetworkBallots = sqliteTable(
  'poll_network_ballots',
  {
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    network: text('network').notNull(),
    ballots: integer('ballots').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.network] })],
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

/**
 * Ballots per holder cohort of a token poll, kept current by every vote
 * write (and rebuilt when the poll is re-weighted), so cohort results never
 * scan ballots.
 */
export const pollCohorts = sqliteTable(
  'poll_cohorts',
  {
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    cohort: text('cohort', { enum: COHORT_IDS }).notNull(),
    voters: integer('voters').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.cohort] })],
);

/** Votes and weight sums per option and cohort of a token poll, kept like pollCohorts. */
export const pollOptionCohorts = sqliteTable(
  'poll_option_cohorts',
  {
    pollId: text('poll_id').notNull(),
    optionId: text('option_id').notNull(),
    cohort: text('cohort', { enum: COHORT_IDS }).notNull(),
    votes: integer('votes').notNull().default(0),
    /** Sum of base-unit weights, decimal string: it overflows SQLite integers. */
    weight: text('weight').notNull().default('0'),
    sqrtWeight: real('sqrt_weight').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.pollId, t.optionId, t.cohort] }),
    foreignKey({
      columns: [t.pollId, t.optionId],
      foreignColumns: [pollOptions.pollId, pollOptions.optionId],
    }).onDelete('cascade'),
  ],
);

/** Net votes per option, cohort and hour of a token poll: sentiment by cohort over time. */
export const cohortBuckets = sqliteTable(
  'cohort_buckets',
  {
    pollId: text('poll_id').notNull(),
    optionId: text('option_id').notNull(),
    cohort: text('cohort', { enum: COHORT_IDS }).notNull(),
    hourStart: integer('hour_start').notNull(),
    votes: integer('votes').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.pollId, t.cohort, t.hourStart, t.optionId] }),
    foreignKey({
      columns: [t.pollId, t.optionId],
      foreignColumns: [pollOptions.pollId, pollOptions.optionId],
    }).onDelete('cascade'),
  ],
);

/** Sign-In with Ethereum nonces: issued by GET /api/auth/nonce, deleted when used or expired. */
export const authNonces = sqliteTable(
  'auth_nonces',
  {
    nonce: text('nonce').primaryKey(),
    expiresAt: integer('expires_at').notNull(),
  },
  // Every nonce handed out deletes the expired ones: this finds them without reading the rest.
  (t) => [index('auth_nonces_expires').on(t.expiresAt)],
);

/**
 * Sessions the way Lucia's guide keeps them: the cookie holds `<id>.<secret>`,
 * the database only the id and the SHA-256 of the secret, so a leaked table
 * cannot be replayed as cookies.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    /** EIP-55 checksummed wallet address. */
    address: text('address').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Last time activity extended the session (at most hourly). */
    lastActiveAt: integer('last_active_at').notNull(),
  },
  (t) => [
    index('sessions_address').on(t.address),
    // Each sign-in deletes expired sessions: with these, it finds them without reading every session.
    index('sessions_last_active').on(t.lastActiveAt),
    index('sessions_created').on(t.createdAt),
  ],
);

/** Comments under posts: one level of replies, soft-deleted so replies keep their parent. */
export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postSlug: text('post_slug').notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => comments.id),
    address: text('address').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
    hiddenAt: integer('hidden_at'),
    hiddenBy: text('hidden_by'),
  },
  (t) => [
    index('comments_post_time').on(t.postSlug, t.createdAt),
    index('comments_address_time').on(t.address, t.createdAt),
    // A thread's replies are read in order, a page at a time: the index gives them sorted, no sort of the thread.
    index('comments_parent').on(t.parentId, t.createdAt, t.id),
  ],
);

/**
 * Readers' reports of comments. One report per reader per comment is the
 * unique index: a second report conflicts on insert. Dismissing deletes them.
 */
export const commentReports = sqliteTable(
  'comment_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id),
    /** EIP-55 address of the reader who reported. */
    address: text('address').notNull(),
    reason: text('reason', { enum: REPORT_REASONS }).notNull(),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('comment_reports_comment_address').on(t.commentId, t.address),
    // The moderation queue orders comments by their newest report.
    index('comment_reports_time').on(t.createdAt),
  ],
);

/** Addresses that may not comment, until `endsAt` (null: until unblocked). One row per address. */
export const commentBlocks = sqliteTable('comment_blocks', {
  /** Lower-case address, so a block holds whatever case a session carries. */
  address: text('address').primaryKey(),
  reason: text('reason').notNull(),
  blockedBy: text('blocked_by').notNull(),
  createdAt: integer('created_at').notNull(),
  endsAt: integer('ends_at'),
});

/** The audit log: every moderator action, never updated or deleted. */
export const moderationActions = sqliteTable(
  'moderation_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** EIP-55 address of the moderator. */
    moderator: text('moderator').notNull(),
    action: text('action', { enum: MODERATION_ACTIONS }).notNull(),
    /** The comment acted on (hide, unhide, dismiss); null for blocks. */
    commentId: integer('comment_id').references(() => comments.id),
    /** The address acted on (block, unblock), or the comment's author. */
    targetAddress: text('target_address'),
    /** A block's reason and end, or how many reports a dismissal cleared. */
    detail: text('detail'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('moderation_actions_time').on(t.createdAt)],
);

/** Holder snapshots of a token: metrics as computed then, and where the data came from. */
export const tokenSnapshots = sqliteTable(
  'token_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    token: text('token').notNull(),
    block: integer('block').notNull(),
    takenAt: integer('taken_at').notNull(),
    /** JSON: {"kind":"rpc","chainId","block","contract"} or {"kind":"csv","file","sha256"}. */
    source: text('source', { mode: 'json' }).$type<SnapshotSource>().notNull(),
    /** Generated by the demo chain, never real data. */
    simulated: integer('simulated', { mode: 'boolean' }).notNull(),
    /** Base units as decimal strings: token amounts overflow SQLite integers. */
    supply: text('supply').notNull(),
    totalSupply: text('total_supply'),
    supplyDifference: text('supply_difference'),
    /** JSON, one DistributionMetrics per scope (src/lib/chain/scopes.ts): {"all", "excludingLabelled", "circulating"}. */
    metrics: text('metrics', { mode: 'json' }).$type<SnapshotMetrics>().notNull(),
    /**
     * Taken on blocks a reorganisation later replaced (rewound below them): kept and shown as such, never
     * chosen to weight ballots or resolve polls again. Resolutions already stored stay as they are.
     */
    reorganised: integer('reorganised', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('token_snapshots_token_block').on(t.token, t.block)],
);

/**
 * Scheduled snapshots, one row per token: the lease that lets exactly one
 * instance scan (held by `holder` until `leaseExpiresAt`, renewed while it
 * works, free for another once it lapses) and how the last attempts went.
 */
export const snapshotSchedule = sqliteTable('snapshot_schedule', {
  token: text('token').primaryKey(),
  holder: text('holder'),
  leaseExpiresAt: integer('lease_expires_at'),
  lastStartedAt: integer('last_started_at'),
  lastSuccessAt: integer('last_success_at'),
  lastBlock: integer('last_block'),
  /** One line (src/lib/chain/schedule.ts describeSnapshotFailure), never the RPC URL. */
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  /** Failures in a row; 0 after a success. */
  failures: integer('failures').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at'),
});

/** The largest holders of each snapshot, for the whale table. */
export const tokenSnapshotHolders = sqliteTable(
  'token_snapshot_holders',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
    address: text('address').notNull(),
    balance: text('balance').notNull(),
  },
  (t) => [primaryKey({ columns: [t.snapshotId, t.rank] })],
);

/**
 * Every holder's balance in each snapshot (not only the largest), so that
 * any snapshot can weight ballots exactly, for chain and CSV snapshots alike.
 */
export const tokenSnapshotBalances = sqliteTable(
  'token_snapshot_balances',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    /** Lower-case 0x address, as holders are kept. */
    address: text('address').notNull(),
    /** Base units, decimal string. */
    balance: text('balance').notNull(),
  },
  (t) => [primaryKey({ columns: [t.snapshotId, t.address] })],
);

/** Current balance of every address seen in a token's Transfer logs, as ingestion leaves it. */
export const tokenBalances = sqliteTable(
  'token_balances',
  {
    token: text('token').notNull(),
    address: text('address').notNull(),
    /** Base units, decimal string. */
    balance: text('balance').notNull(),
  },
  (t) => [primaryKey({ columns: [t.token, t.address] })],
);

/** Where ingestion stopped: the next block to scan, per token contract and chain. */
export const tokenCursors = sqliteTable(
  'token_cursors',
  {
    token: text('token').notNull(),
    chainId: integer('chain_id').notNull(),
    contract: text('contract').notNull(),
    nextBlock: integer('next_block').notNull(),
    /** The hash of block next_block − 1 as scanned: a chain that now has another there has reorganised. */
    scannedHash: text('scanned_hash'),
    /**
     * Set when a run found the chain reorganised below the scanned blocks: the first block whose hash no
     * longer matches, as far as the run could tell. Nothing is written for the token until a rewind clears it.
     */
    reorgBelow: integer('reorg_below'),
    /**
     * The first block whose transfers are kept: where the first scan started, or where the cursor stood when
     * transfers began to be kept (migration 0022). A rewind cannot go below it.
     */
    transfersFrom: integer('transfers_from'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.token, t.chainId, t.contract] })],
);

/**
 * Every Transfer log ingestion has read: the edges behind the balances, kept so flows between holders can
 * be computed. A log is one row whatever the number of scans: (token, transaction, log index) is the rule.
 * "Before" and "first" mean by (block, log index), the order of the second index.
 */
export const tokenTransfers = sqliteTable(
  'token_transfers',
  {
    token: text('token').notNull(),
    blockNumber: integer('block_number').notNull(),
    /** The log's index in its block. */
    logIndex: integer('log_index').notNull(),
    /** The block's timestamp as the chain gives it, in milliseconds. */
    blockTime: integer('block_time').notNull(),
    txHash: text('tx_hash').notNull(),
    /** Lower-case addresses; the zero address for a mint's sender or a burn's recipient. */
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    /** Base units, decimal string: never a float. */
    amount: text('amount').notNull(),
  },
  (t) => [
    uniqueIndex('token_transfers_log').on(t.token, t.txHash, t.logIndex),
    index('token_transfers_order').on(t.token, t.blockNumber, t.logIndex),
    // Figures 2–4 read a few addresses' transfers (reward payers, insiders, exchanges), never all of them.
    index('token_transfers_from').on(t.token, t.fromAddress, t.blockNumber),
    index('token_transfers_to').on(t.token, t.toAddress, t.blockNumber),
  ],
);

/**
 * Who accumulated between a token's consecutive snapshots (reorganised ones left out), one row per scope:
 * figure 1 of the token page, computed once when the later snapshot is stored (flows/flows.server.ts), so
 * no request reads transfers.
 */
export const tokenFlowSpans = sqliteTable(
  'token_flow_spans',
  {
    token: text('token').notNull(),
    fromSnapshot: integer('from_snapshot')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    toSnapshot: integer('to_snapshot')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    scope: text('scope', { enum: ['all', 'excludingLabelled', 'circulating'] }).notNull(),
    fromBlock: integer('from_block').notNull(),
    toBlock: integer('to_block').notNull(),
    /** The later snapshot's time, ms: spans are chosen by it. */
    toTime: integer('to_time').notNull(),
    figures: text('figures', { mode: 'json' }).$type<FlowSpanFigures>().notNull(),
    /**
     * A hash of what the token file said that grouping depends on (labels, cohorts): an edit recomputes the
     * spans. Null for spans stored before it was kept, which are recomputed too.
     */
    definition: text('definition'),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.toSnapshot, t.scope] }), index('token_flow_spans_time').on(t.token, t.toTime)],
);

/**
 * Figures 2–4 of a token (where the rewards go, per period kind; what unlocked tokens do; exchange flows), each
 * computed from the stored transfers up to one snapshot's block once that snapshot is stored
 * (flows/figures.server.ts), so that every figure on a page comes from the same data version and no request
 * reads transfers. Only tokens whose transfers were kept have rows.
 */
export const tokenFlowFigures = sqliteTable(
  'token_flow_figures',
  {
    token: text('token').notNull(),
    figure: text('figure', { enum: FLOW_FIGURES }).notNull(),
    /** The period kind for `rewards` (day, week, month); '' for the others. */
    variant: text('variant').notNull(),
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    /** The transfers read: from the first block kept to the snapshot's block. */
    fromBlock: integer('from_block').notNull(),
    toBlock: integer('to_block').notNull(),
    /** The snapshot's time, ms: what "incomplete", "pending" and "so far" are judged against. */
    asOf: integer('as_of').notNull(),
    /** A hash of the token file's parts the figures read (labels, unlocks, cohorts, floor): editing them recomputes. */
    definition: text('definition').notNull(),
    data: text('data', { mode: 'json' }).$type<FlowFigureData>().notNull(),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.token, t.figure, t.variant] })],
);

/**
 * Where figures 2 and 4 stood at the snapshot the figures were last computed at (flows/reward-ledger.ts), one
 * row per token: the next snapshot carries it forward with only the transfers after this block, so a new
 * snapshot's figures do not read every transfer since launch. Dropped with its snapshot; not used when the
 * definition or the first kept block differ, or its snapshot was reorganised away (then all is read again).
 */
export const tokenFlowState = sqliteTable('token_flow_state', {
  token: text('token').primaryKey(),
  snapshotId: integer('snapshot_id')
    .notNull()
    .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
  /** The snapshot's block: every transfer up to it is in the state. */
  block: integer('block').notNull(),
  /** The first block kept, as the figures' `fromBlock`. */
  fromBlock: integer('from_block').notNull(),
  definition: text('definition').notNull(),
  state: text('state', { mode: 'json' }).$type<FlowFigureState>().notNull(),
  computedAt: integer('computed_at').notNull(),
});

/**
 * A token's owners at each snapshot (entities/entities.server.ts): the grouping's figures, counted by owner, kept
 * per snapshot so the token page can show them over time. Computed once the snapshot is stored, from the stored
 * transfers up to its block; recomputed when the token file's labels, cohorts or `entities:` change.
 */
export const tokenEntityGroupings = sqliteTable(
  'token_entity_groupings',
  {
    snapshotId: integer('snapshot_id')
      .primaryKey()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    /** A hash of what the grouping read in the token file. */
    definition: text('definition').notNull(),
    summary: text('summary', { mode: 'json' }).$type<EntityGroupingSummary>().notNull(),
    /** The grouping whose entities and wallets' owners are in token_entities and token_entity_wallets. */
    kept: integer('kept', { mode: 'boolean' }).notNull().default(false),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [index('token_entity_groupings_token').on(t.token)],
);

/**
 * The owners of two wallets or more at a token's latest grouped snapshot, with the edges that joined each (the
 * "why grouped" list). Replaced whole by each new grouping.
 */
export const tokenEntities = sqliteTable(
  'token_entities',
  {
    token: text('token').notNull(),
    /** The entity's first wallet (by address): its name wherever an owner is meant. */
    owner: text('owner').notNull(),
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
    /** 1 for the largest combined balance, then down; ties by owner address. */
    rank: integer('rank').notNull(),
    /** Lower-case addresses, sorted. */
    wallets: text('wallets', { mode: 'json' }).$type<string[]>().notNull(),
    /** The wallets' balances added up at the snapshot, base units. */
    balance: text('balance').notNull(),
    /** Holds a team, vesting or treasury wallet: an insider as a whole. */
    insider: integer('insider', { mode: 'boolean' }).notNull(),
    /** The first transfer into any of its wallets; null when none was read (named only). */
    firstSeenBlock: integer('first_seen_block'),
    firstSeenTime: integer('first_seen_time'),
    edges: text('edges', { mode: 'json' }).$type<EntityEdge[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.token, t.owner] }), index('token_entities_rank').on(t.token, t.rank)],
);

/** Each grouped wallet's owner at the token's latest grouping (wallets not here are their own owners). */
export const tokenEntityWallets = sqliteTable(
  'token_entity_wallets',
  {
    token: text('token').notNull(),
    address: text('address').notNull(),
    owner: text('owner').notNull(),
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => tokenSnapshots.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.token, t.address] })],
);

/**
 * Blocks ingestion has read, by chain: the hash each had when it was read (a reorganisation changes it) and
 * its time. Blocks with transfers, and the last block of every run.
 */
export const chainBlocks = sqliteTable(
  'chain_blocks',
  {
    chainId: integer('chain_id').notNull(),
    number: integer('number').notNull(),
    hash: text('hash').notNull(),
    /** Milliseconds. */
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.number] })],
);

/** Fixed-window rate-limit counters, shared by every instance using this database. */
export const rateLimits = sqliteTable('rate_limits', {
  /** What is limited and for whom, e.g. "vote:203.0.113.7". */
  bucket: text('bucket').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/**
 * Secrets this database makes for itself, once, so every instance sharing it
 * reads the same value: `network_salt` (made by migration 0020) keys the
 * hashes of poll_network_ballots.
 */
export const siteSecrets = sqliteTable('site_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/**
 * The demo fixture (db/demo/*.json) the database holds, by the SHA-256 of the
 * file, so start-up loads it once and again only when the file changes.
 * `loadedAt` is null while an instance is loading it (since `claimedAt`).
 */
export const demoFixtures = sqliteTable('demo_fixtures', {
  name: text('name').primaryKey(),
  sha256: text('sha256').notNull(),
  claimedAt: integer('claimed_at').notNull(),
  loadedAt: integer('loaded_at'),
});
