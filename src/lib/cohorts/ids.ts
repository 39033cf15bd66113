import type { CohortThresholds } from '../chain/metrics.ts';
import type { LabelKind } from './cohorts.ts';

/** How weights are stored and what of a token weighting needs: shared by db/schema.ts and the ledger. */

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

/** What weighting a poll needs of its token's definition, kept with the poll. */
export interface WeightingToken {
  symbol: string;
  decimals: number;
  thresholds: CohortThresholds;
  /** Labelled addresses, lower-case. */
  labels: Record<string, { name: string; kind: LabelKind }>;
}
