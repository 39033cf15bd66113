import type { Cohort, LabelKind, MovingGroup, PlainMetric, SpanMetric } from './vocabulary.ts';

/**
 * What the JSON columns hold: the stored shape is the database's contract, so it is declared beside the schema
 * (db/ imports nothing from src/). Types only. The features compute these values (chain/metrics.ts,
 * chain/snapshot.ts), check them (resolution/definition.ts, whose zod schema is asserted to infer exactly
 * `ResolutionDefinition`) and re-export the types where their code reads better with them.
 */

/** Cohort thresholds as a percentage of supply; a holder falls in the first it reaches. */
export interface CohortThresholds {
  /** Percent of supply, e.g. 0.1 for whales at >= 0.1%. */
  whale: number;
  dolphin: number;
  fish: number;
}

export interface CohortStats {
  holders: number;
  /** Fraction of supply held, 0..1. */
  share: number;
}

/** A token's distribution over one set of holders (chain/metrics.ts computes it). */
export interface DistributionMetrics {
  holderCount: number;
  /** Sum of the balances measured, in the same unit as the input. */
  supply: number;
  top1Share: number;
  top10Share: number;
  top100Share: number;
  /** 0 when everyone holds the same; approaches 1 as one holder takes all. */
  gini: number;
  /** Herfindahl-Hirschman index: sum of squared shares, 1/n .. 1. */
  hhi: number;
  /** Fewest holders that together hold more than half. */
  nakamoto: number;
  cohorts: Record<Cohort, CohortStats>;
  /** Lorenz curve at 101 points: share held by the poorest p percent, p = 0..100. */
  lorenz: number[];
}

/** Where a snapshot's balances came from (`token_snapshots.source`, `poll_resolutions.from_source`/`to_source`). */
export type SnapshotSource =
  { kind: 'rpc'; chainId: number; block: number; contract: string } | { kind: 'csv'; file: string; sha256: string };

/** A snapshot's metrics, one set per scope (chain/scopes.ts): `token_snapshots.metrics`. */
export interface SnapshotMetrics {
  all: DistributionMetrics;
  excludingLabelled: DistributionMetrics;
  /**
   * Snapshots stored before this scope existed get it at start-up from their
   * stored balances (backfill.server.ts); null when they have none to use.
   */
  circulating: DistributionMetrics | null;
  /** Set when `circulating` was computed after the snapshot (epoch ms), with the token file's labels then. */
  circulatingBackfilledAt?: number;
}

/** What weighting a poll needs of its token's definition, kept with the poll (`polls.weighting_token`). */
export interface WeightingToken {
  symbol: string;
  decimals: number;
  thresholds: CohortThresholds;
  /** Labelled addresses, lower-case. */
  labels: Record<string, { name: string; kind: LabelKind }>;
}

/** A snapshot figure: a plain metric, or one cohort's share of the scope's supply (`cohortShare.whale`). */
export type SnapshotMetric = PlainMetric | `cohortShare.${Cohort}`;
/** A figure over the span between two snapshots: a group's net flow (`netFlow.whale`) or a span metric. */
export type FlowMetric = `netFlow.${MovingGroup}` | SpanMetric;
export type ResolutionMetric = SnapshotMetric | FlowMetric;

/** The YAML names of the scopes (the counterparty issue's three sets of holders). */
export type ResolutionScopeName = 'all' | 'custodians-excluded' | 'circulating';

/** A condition on the change (to − from, in the metric's own unit): `below`/`above` strict, `between` closed. */
export type Condition = { below: number } | { above: number } | { between: [number, number] };

/**
 * How a poll about the chain resolves (`polls.resolution`, `poll_resolutions.definition`): the poll definition's
 * `resolution:` as resolution/definition.ts's schema parses it.
 */
export interface ResolutionDefinition {
  metric: ResolutionMetric;
  scope: ResolutionScopeName;
  /** `opens`: the poll's weighting snapshot; a date (YYYY-MM-DD): the first snapshot at or after it. */
  from: string;
  /** The first snapshot at or after this date (YYYY-MM-DD) settles it. */
  at: string;
  /** Option id → condition on the change. Options left out are never scored right or wrong. */
  outcomes: Record<string, Condition>;
  /**
   * `entity`: a snapshot metric counted with each owner as one holder (entities/owners.ts), at each snapshot's
   * grouping; `address` (or absent): one holder per address.
   */
  by?: 'address' | 'entity' | undefined;
}

/**
 * Who accumulated between two snapshots, in one scope (`token_flow_spans.figures`): each group's net change
 * and, from transfers, what moved between groups (flows/groups.ts). Amounts are base units as decimal
 * strings; groups are named as FLOW_GROUPS names them.
 */
export interface FlowSpanFigures {
  /** 'transfers': from the span's transfers. 'net': balance changes between CSV snapshots, no movements. */
  kind: 'transfers' | 'net';
  net: Record<string, string>;
  /** From group, to group, tokens; empty for 'net'. */
  matrix: Record<string, Record<string, string>>;
  /** Addresses of each group that took part. */
  addresses: Record<string, number>;
  /** Transfers counted; 0 for 'net'. */
  transfers: number;
  /** Tokens held in the scope at the earlier snapshot: what shares are of. */
  scopeSupply: string;
  /**
   * Node rewards paid in the span, by recipient (base units), as figure 2 counts payments: in the `all` scope's
   * row of a span from transfers only (a resolution on rewards' top-10 share adds spans up).
   */
  rewards?: Record<string, string>;
}

/** Who received what and passed it on to exchanges, per period (`token_flow_figures`, figure `rewards`). */
export interface RewardFigures {
  kind: 'rewards';
  period: 'day' | 'week' | 'month';
  /** The addresses whose transfers are reward payments (labelled rewards), lower-case. */
  payers: string[];
  /** Mints from this block on are rewards too (the zero address labelled rewards with `since`); else null. */
  mintsSince: number | null;
  /** The publisher's floor, base units a week; null when the token file sets none. */
  floorPerWeek: string | null;
  periods: {
    key: string;
    start: number;
    end: number;
    incomplete: boolean;
    paid: string;
    recipients: number;
    top10Share: number;
    gini: number;
    median: string;
    belowFloor: number | null;
    floor: string | null;
    /** Of the period's rewards, what reached an exchange within 7 and 30 days; pending is not yet known. */
    toExchange: Record<'d7' | 'd30', { reached: string; known: string; pending: string; share: number | null }>;
  }[];
}

/** Around each unlock event, what insiders sent to exchanges (`token_flow_figures`, figure `unlocks`). */
export interface UnlockFigures {
  kind: 'unlocks';
  windows: {
    at: number;
    kind: 'cliff' | 'linear-cliff';
    recipient: string;
    released: string;
    from: number;
    to: number;
    direct: string;
    viaHop: string;
    share: number | null;
    /** Day −7 to day 29. */
    daily: string[];
    hops: number;
    overlaps: number[];
    open: boolean;
  }[];
}

/** Per UTC day, tokens into and out of exchanges by the other side's group (`token_flow_figures`, `exchanges`). */
export interface ExchangeFigures {
  kind: 'exchanges';
  days: {
    day: string;
    inflow: Record<string, string>;
    outflow: Record<string, string>;
    venues: Record<'exchange' | 'lp', { inflow: string; outflow: string }>;
    net: string;
    transfers: number;
  }[];
}

export type FlowFigureData = RewardFigures | UnlockFigures | ExchangeFigures;

/**
 * Where figures 2 and 4 stood at a snapshot (`token_flow_state.state`), so that the next snapshot adds only
 * the transfers after it (flows/reward-ledger.ts). Amounts are base units as decimal strings.
 */
export interface FlowFigureState {
  rewards: {
    /** Every recipient the entries below name, once: they refer to it by index (a state holds many rewards). */
    recipients: string[];
    /** Per window (7 and 30 days): rewards young enough to be matched still, and what older ones came to. */
    windows: Record<
      'd7' | 'd30',
      {
        /** [recipient index, order, time, amount, left, reached], oldest first. */
        queued: [number, number, number, string, string, string][];
        /** Per period kind, period key → [known, reached] of the rewards that left the queue. */
        settled: Record<'day' | 'week' | 'month', Record<string, [string, string]>>;
      }
    >;
    /** Periods not yet ended: per kind, key → its bounds and what each recipient (by index) received so far. */
    current: Record<
      'day' | 'week' | 'month',
      Record<string, { start: number; end: number; received: [number, string][] }>
    >;
    /** Ended periods' figures, oldest first (toExchange is worked out from the windows). */
    ended: Record<'day' | 'week' | 'month', Omit<RewardFigures['periods'][number], 'toExchange'>[]>;
  };
  exchangeDays: ExchangeFigures['days'];
}

/** A transfer an entity's edge rests on (entities/grouping.ts). */
export interface EdgeEvidence {
  block: number;
  logIndex: number;
  txHash: string;
}

/** Why two wallets belong to one owner: a rule and its evidence (`token_entities.edges`). */
export type EntityEdge =
  | { rule: 'funded'; from: string; to: string; evidence: EdgeEvidence[] }
  /** `evidence`: the first transfers of the sweep (at most EVIDENCE_KEPT), `transfers`: how many there were. */
  | { rule: 'swept'; from: string; to: string; evidence: EdgeEvidence[]; transfers: number }
  | { rule: 'named'; from: string; to: string; name: string };

/**
 * A token's owners at one snapshot (`token_entity_groupings.summary`, entities/owners.ts): the figures counted by
 * owner beside those counted by address, and what the grouping rested on.
 */
export interface EntityGroupingSummary {
  /** 'transfers': the rules over the kept transfers; 'named': only the token file's `entity:` names (no transfers). */
  kind: 'transfers' | 'named';
  /** The transfers read: from the first block kept to the snapshot's block; null for 'named'. */
  fromBlock: number | null;
  toBlock: number;
  transfers: number;
  rules: { maxFanout: number; sweepShare: number; maxEntitySize: number };
  /** Owners with two wallets or more that hold tokens at the snapshot, and their wallets holding tokens. */
  entities: number;
  groupedWallets: number;
  /** Components over the size cap, not merged (each wallet its own owner): the first wallet and the size, largest first. */
  largeClusters: { first: string; wallets: number }[];
  edges: { funded: number; swept: number; named: number };
  /** The metrics with each owner as one holder, per scope. */
  metrics: Record<'all' | 'excludingLabelled' | 'circulating', DistributionMetrics>;
  /** Per scope: the wallets behind the ten largest owners, and how many of those owners have several. */
  top10: Record<'all' | 'excludingLabelled' | 'circulating', { wallets: number; multiWalletOwners: number }>;
  /** Wallets with no insider label that leave the circulating scope because their owner has an insider wallet. */
  insiderWallets: number;
}
