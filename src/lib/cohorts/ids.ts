import type { CohortThresholds } from '../chain/metrics.ts';
import type { LABEL_KINDS } from '../chain/schemas.ts';

/**
 * The holder cohorts a ballot of a token poll falls in: the token's own
 * size thresholds, then insiders (team, vesting, treasury), holders of
 * nothing (or custodial addresses) and cookie ballots without a wallet.
 */
export const COHORT_IDS = ['whale', 'dolphin', 'fish', 'shrimp', 'insiders', 'none', 'unverified'] as const;
export type CohortId = (typeof COHORT_IDS)[number];

/** Digits of the largest uint256: any balance fits a weight key. */
export const WEIGHT_KEY_DIGITS = 78;
export const WEIGHT_KEY_ZERO = '0'.repeat(WEIGHT_KEY_DIGITS);

/**
 * A base-unit weight as a fixed-width decimal, so that comparing keys as
 * text orders weights as numbers (SQLite integers cannot hold them).
 * @example weightKey(42n).endsWith('042') // true, and weightKey(9n) < weightKey(10n)
 */
export function weightKey(weight: bigint): string {
  return weight.toString().padStart(WEIGHT_KEY_DIGITS, '0');
}

export type LabelKind = (typeof LABEL_KINDS)[number];

/** What weighting a poll needs of its token's definition, kept with the poll. */
export interface WeightingToken {
  symbol: string;
  decimals: number;
  thresholds: CohortThresholds;
  /** Labelled addresses, lower-case. */
  labels: Record<string, { name: string; kind: LabelKind }>;
}
