/**
 * Largest-remainder percentages for token weights (bigint) and square-root
 * weights (float), by the same method as `percentages` in polls/tally.ts:
 * floor every share, hand the leftover points to the largest remainders, ties
 * to the earlier option. Keeping one method means a weighted tally rounds
 * exactly like the plain one beside it.
 */

/** Hands the points short of 100 to the largest remainders; `byRemainder` sorts largest first. */
function distribute(floors: number[], byRemainder: (a: number, b: number) => number): number[] {
  let leftover = 100 - floors.reduce((sum, n) => sum + n, 0);
  const order = floors.map((_, i) => i).sort((a, b) => byRemainder(a, b) || a - b);
  for (const i of order) {
    if (leftover <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    leftover -= 1;
  }
  return floors;
}

/**
 * Whole percentages of non-negative bigint weights, exact however large they
 * are: weight·100 = floor·total + remainder, all in bigint.
 *
 * @example percentagesOfWeights([1n, 1n, 0n, 1n]) // [34, 33, 0, 33]
 */
export function percentagesOfWeights(weights: readonly bigint[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0n);
  if (total <= 0n) return weights.map(() => 0);
  const floors = weights.map((w) => (w * 100n) / total);
  const remainders = weights.map((w, i) => w * 100n - (floors[i] ?? 0n) * total);
  return distribute(
    floors.map((f) => Number(f)),
    (a, b) => {
      const ra = remainders[a] ?? 0n;
      const rb = remainders[b] ?? 0n;
      return ra === rb ? 0 : rb > ra ? 1 : -1;
    },
  );
}

/**
 * Whole percentages of non-negative float weights (square-root weights are
 * irrational, so no exact form exists). The share's fractional part is the
 * remainder; float division and floor are monotonic, so a larger weight is
 * still never ranked below a smaller one, and equal weights round alike.
 *
 * @example percentagesOfFloats([Math.SQRT2, Math.SQRT2, 0]) // [50, 50, 0]
 */
export function percentagesOfFloats(weights: readonly number[]): number[] {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = clean.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return clean.map(() => 0);
  const shares = clean.map((w) => (w * 100) / total);
  // min(100, …): a float sum a hair below the true total must not give one option 101.
  const floors = shares.map((s) => Math.min(100, Math.floor(s)));
  const remainders = shares.map((s, i) => s - (floors[i] ?? 0));
  // Between two shares with the same floor, the larger weight has the larger remainder: compare the weights
  // themselves, since weights a few ulps apart can round to remainders in the wrong order (found by the property test).
  return distribute(floors, (a, b) =>
    floors[a] === floors[b] ? (clean[b] ?? 0) - (clean[a] ?? 0) : (remainders[b] ?? 0) - (remainders[a] ?? 0),
  );
}
