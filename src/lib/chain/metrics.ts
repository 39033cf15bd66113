/**
 * Distribution metrics of a token's holders. Pure: balances in, numbers out.
 * Balances arrive as JavaScript numbers (converted from exact base units by
 * the caller): every metric is a ratio, and float64's 16 significant digits
 * are far finer than any share worth charting. Exact sums stay in bigint
 * where they are checked (see repo/ingestion). The metrics are stored with
 * each snapshot, so their shape is declared beside the schema.
 */
import type { CohortStats, CohortThresholds, DistributionMetrics } from '../../../db/json-columns.ts';
import { COHORTS, type Cohort } from '../../../db/vocabulary.ts';

export type { CohortStats, CohortThresholds, DistributionMetrics } from '../../../db/json-columns.ts';
export { COHORTS, type Cohort } from '../../../db/vocabulary.ts';

/** Which cohort a holder of `share` (0..1) falls in. */
export function cohortOf(share: number, thresholds: CohortThresholds): Cohort {
  if (share >= thresholds.whale / 100) return 'whale';
  if (share >= thresholds.dolphin / 100) return 'dolphin';
  if (share >= thresholds.fish / 100) return 'fish';
  return 'shrimp';
}

/**
 * All metrics for one set of holder balances (zero balances are not holders).
 * @example distributionMetrics([50, 30, 20], DEFAULT).top1Share // 0.5
 */
export function distributionMetrics(balances: ArrayLike<number>, thresholds: CohortThresholds): DistributionMetrics {
  // Ascending order, positives only: one typed-array sort, no comparator, no intermediate array.
  let positives = 0;
  for (let i = 0; i < balances.length; i++) if ((balances[i] ?? 0) > 0) positives++;
  const sorted = new Float64Array(positives);
  for (let i = 0, j = 0; i < balances.length; i++) {
    const b = balances[i] ?? 0;
    if (b > 0) sorted[j++] = b;
  }
  sorted.sort();
  const n = sorted.length;
  let supply = 0;
  for (let i = 0; i < n; i++) supply += sorted[i] ?? 0;

  const cohorts = Object.fromEntries(COHORTS.map((c) => [c, { holders: 0, share: 0 }])) as Record<Cohort, CohortStats>;
  if (n === 0 || supply === 0) {
    return {
      holderCount: 0,
      supply: 0,
      top1Share: 0,
      top10Share: 0,
      top100Share: 0,
      gini: 0,
      hhi: 0,
      nakamoto: 0,
      cohorts,
      lorenz: Array.from({ length: 101 }, () => 0),
    };
  }

  let weighted = 0;
  let hhi = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i] ?? 0;
    weighted += (i + 1) * x;
    const s = x / supply;
    hhi += s * s;
    const cohort = cohorts[cohortOf(s, thresholds)];
    cohort.holders += 1;
    cohort.share += s;
  }
  // Gini over ascending balances: 2·Σ i·x_i / (n·Σ x_i) − (n+1)/n, at most 1 − 1/n.
  const gini = Math.max(0, (2 * weighted) / (n * supply) - (n + 1) / n);

  const topShare = (k: number): number => {
    let sum = 0;
    for (let i = n - 1; i >= Math.max(0, n - k); i--) sum += sorted[i] ?? 0;
    return sum / supply;
  };

  let nakamoto = 0;
  let running = 0;
  for (let i = n - 1; i >= 0; i--) {
    running += sorted[i] ?? 0;
    nakamoto += 1;
    if (running > supply / 2) break;
  }

  const lorenz: number[] = [];
  let cumulative = 0;
  let index = 0;
  for (let p = 0; p <= 100; p++) {
    const upto = Math.round((p / 100) * n);
    while (index < upto) cumulative += sorted[index++] ?? 0;
    lorenz.push(cumulative / supply);
  }

  return {
    holderCount: n,
    supply,
    top1Share: topShare(1),
    top10Share: topShare(10),
    top100Share: topShare(100),
    gini,
    hhi,
    nakamoto,
    cohorts,
    lorenz,
  };
}
