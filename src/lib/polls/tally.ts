/**
 * Whole-number percentages that sum to exactly 100 (when there are votes), by
 * the largest-remainder method: floor every share, then hand the leftover
 * points to the largest remainders, ties going to the earlier option. It never
 * ranks a smaller count above a larger one.
 *
 * @example percentages([1, 1, 0, 1]) // [34, 33, 0, 33]
 */
export function percentages(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return counts.map(() => 0);
  // Integer arithmetic throughout: count*100 = quotient*total + remainder.
  const floors = counts.map((n) => Math.floor((n * 100) / total));
  const remainders = counts.map((n, i) => n * 100 - (floors[i] ?? 0) * total);
  let leftover = 100 - floors.reduce((sum, n) => sum + n, 0);
  const order = counts.map((_, i) => i).sort((a, b) => (remainders[b] ?? 0) - (remainders[a] ?? 0) || a - b);
  for (const i of order) {
    if (leftover === 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    leftover -= 1;
  }
  return floors;
}

/**
 * The positions of every option holding the greatest count (or weight), none
 * when nothing is counted. A leader follows the counts, never the rounded
 * shares: [1, 1, 0, 1] rounds to 34/33/0/33 but is a three-way tie, and a
 * tie keeps every tied option, so a page highlights all of them or says
 * "tie". Counts are never negative.
 *
 * @example leaders([1, 1, 0, 1]) // [0, 1, 3]
 * @example leaders([2n, 5n]) // [1]
 * @example leaders([0, 0]) // []
 */
export function leaders<T extends number | bigint>(counts: readonly T[]): number[] {
  let best: T | undefined;
  for (const n of counts) if (best === undefined || n > best) best = n;
  if (!best) return [];
  return counts.flatMap((n, i) => (n === best ? [i] : []));
}

/** Below this many votes a result is shown with a small-sample warning. */
export const SMALL_SAMPLE = 30;

export function isSmallSample(totalVotes: number): boolean {
  return totalVotes < SMALL_SAMPLE;
}

/**
 * The options that lead by count (or weight), never by rounded percentage:
 * largest-remainder rounding can show 34% beside 33% for equal counts. More
 * than one id is a tie; none, nothing counted yet.
 *
 * @example leadingIds(['a', 'b', 'c'], [1, 0, 1]) // ['a', 'c']
 */
export function leadingIds<T extends number | bigint>(ids: readonly string[], values: readonly T[]): string[] {
  return leaders(values).flatMap((i) => ids[i] ?? []);
}
