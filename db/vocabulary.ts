/**
 * The names the database stores: the values of its enum columns and the names inside its JSON columns. They are
 * part of the data's contract (a stored row keeps the name it was written with), so they live beside the schema
 * and the features import them from here (db/ imports nothing from src/). Lists only; what a name means to the
 * site (labels, rules, weights) stays in the feature.
 */

/**
 * Holder-size cohorts, by share of supply (thresholds in `CohortThresholds`): the keys of a snapshot's
 * `metrics.*.cohorts` and the `cohortShare.<cohort>` resolution metrics.
 */
export const COHORTS = ['whale', 'dolphin', 'fish', 'shrimp'] as const;
export type Cohort = (typeof COHORTS)[number];

/**
 * The cohort a ballot is counted in (`votes.cohort` and the cohort tables): a holder-size cohort, insiders
 * (team, vesting and treasury wallets), a wallet that holds none, or a ballot cast without a wallet.
 */
export const COHORT_IDS = ['whale', 'dolphin', 'fish', 'shrimp', 'insiders', 'none', 'unverified'] as const;
export type CohortId = (typeof COHORT_IDS)[number];

/**
 * What a labelled address is, as token files and `polls.weighting_token` name it. `rewards`: a reward
 * distributor or emission contract (the source of node operators' rewards), held for others like `contract`.
 */
export const LABEL_KINDS = [
  'exchange',
  'team',
  'treasury',
  'vesting',
  'lp',
  'bridge',
  'burn',
  'contract',
  'rewards',
] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

/**
 * Snapshot figures a resolution can be scored against (`polls.resolution.metric`), by their names in a
 * snapshot's metrics; with `cohortShare.<cohort>` they make `ResolutionMetric`.
 */
export const PLAIN_METRICS = [
  'top1Share',
  'top10Share',
  'top100Share',
  'gini',
  'hhi',
  'nakamoto',
  'holderCount',
] as const;
export type PlainMetric = (typeof PLAIN_METRICS)[number];

/**
 * The groups of holders whose movements a poll can be about (an option's `evidence:` and the `netFlow.<group>`
 * resolution metrics): the cohorts, insiders, fresh wallets, and the custodial kinds that move.
 */
export const MOVING_GROUPS = [...COHORTS, 'insiders', 'new', 'exchange', 'lp', 'rewards'] as const;
export type MovingGroup = (typeof MOVING_GROUPS)[number];

/**
 * Figures over the span between a resolution's two snapshots rather than at one snapshot (flows/measures.ts):
 * with `netFlow.<group>` they make the flow metrics of `ResolutionMetric`.
 */
export const SPAN_METRICS = ['exchangeInflow', 'rewardsTop10Share', 'unlockedToExchanges'] as const;
export type SpanMetric = (typeof SPAN_METRICS)[number];

/** Why a reader reports a comment (`comment_reports.reason`). */
export const REPORT_REASONS = ['spam', 'scam', 'harassment', 'off-topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** What a moderator did, as the audit log names it (`moderation_actions.action`). */
export const MODERATION_ACTIONS = ['hide', 'unhide', 'dismiss', 'block', 'unblock'] as const;
export type ModerationActionKind = (typeof MODERATION_ACTIONS)[number];

/**
 * The token figures kept per token in `token_flow_figures` (figures 2–4 of issue 39): where rewards go, what
 * unlocked tokens do, and exchange flows.
 */
export const FLOW_FIGURES = ['rewards', 'unlocks', 'exchanges'] as const;
export type FlowFigure = (typeof FLOW_FIGURES)[number];
