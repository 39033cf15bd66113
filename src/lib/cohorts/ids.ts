import type { CohortThresholds } from '../chain/metrics.ts';
import type { LabelKind } from './cohorts.ts';

/** How weights are stored and what of a token weighting needs: shared by db/schema.ts and the ledger. */

/** What weighting a poll needs of its token's definition, kept with the poll. */
export interface WeightingToken {
  symbol: string;
  decimals: number;
  thresholds: CohortThresholds;
  /** Labelled addresses, lower-case. */
  labels: Record<string, { name: string; kind: LabelKind }>;
}
