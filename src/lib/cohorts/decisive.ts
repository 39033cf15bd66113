/**
 * "Wallets that decide it": the fewest verified ballots whose removal would
 * put another option ahead of the token-weighted leader. Computed from the
 * ballots themselves, so it belongs with a poll's closing snapshot, not on the
 * hot read path.
 */
import { PRIVACY_FLOOR } from './privacy.ts';

export interface WeightedBallot {
  optionIds: readonly string[];
  /** Token weight in base units, never negative (0 for custodial wallets). */
  weight: bigint;
}

export interface DecisiveWallets {
  /** null when tied, when nothing overturns the leader, or below PRIVACY_FLOOR. */
  count: number | null;
  /**
   * Those ballots' combined weight as a fraction (0..1) of the weight of all
   * verified ballots, each ballot counted once (in a single-choice poll, the
   * token tally's total). null whenever `count` is.
   */
  share: number | null;
  note: string;
}

/**
 * The decisive wallets as served: `countsVersion` is the poll's counts version
 * they were worked out at, and `updating` says the tallies beside them are
 * newer (a fresh answer follows within a few seconds (CohortReads)), so one answer never
 * passes older figures off as current.
 */
export type DecisiveView = DecisiveWallets & { asOf: string; countsVersion: number; updating: boolean };

export type Overturn =
  | { kind: 'empty' }
  | { kind: 'tied' }
  | { kind: 'unshakeable'; leader: string }
  | { kind: 'overturn'; leader: string; by: string; count: number; weight: bigint; total: bigint };

/**
 * The smallest set of ballots whose removal leaves some option strictly ahead
 * of the weighted leader. For a challenger j only ballots for the leader and
 * not j narrow the gap (one for both lowers both alike; one for j alone widens
 * it), so the heaviest of those first is optimal for j; the answer is the best
 * j, the earlier option on equal counts. One sort: O(n log n + n·options).
 *
 * @example
 * smallestOverturn([{ optionIds: ['a'], weight: 5n }, { optionIds: ['b'], weight: 3n }], ['a', 'b'])
 * // { kind: 'overturn', leader: 'a', by: 'b', count: 1, weight: 5n, total: 8n }
 */
export function smallestOverturn(ballots: readonly WeightedBallot[], optionIds: readonly string[]): Overturn {
  const index = new Map(optionIds.map((id, i) => [id, i]));
  const totals = optionIds.map(() => 0n);
  let total = 0n;
  // Each ballot's choices as option indices, once; everything after works on those.
  const chosen = ballots.map((b) => {
    const picks: number[] = [];
    for (const id of b.optionIds) {
      const i = index.get(id);
      if (i !== undefined && !picks.includes(i)) picks.push(i);
    }
    if (b.weight !== 0n) for (const i of picks) totals[i] = (totals[i] ?? 0n) + b.weight;
    total += b.weight;
    return picks;
  });
  let top = 0n;
  for (const t of totals) if (t > top) top = t;
  if (top === 0n) return { kind: 'empty' };
  const leaders = totals.flatMap((t, i) => (t === top ? [i] : []));
  const leaderIndex = leaders[0] ?? 0;
  const leader = optionIds[leaderIndex] ?? '';
  if (leaders.length > 1) return { kind: 'tied' };

  // The leader's ballots, heaviest first: sorted by a float key, bigint only
  // where floats cannot tell two weights apart, so the order stays exact.
  const forLeader: number[] = [];
  for (let n = 0; n < ballots.length; n++) {
    if ((ballots[n]?.weight ?? 0n) > 0n && chosen[n]?.includes(leaderIndex)) forLeader.push(n);
  }
  const key = new Float64Array(ballots.length);
  for (const n of forLeader) key[n] = Number(ballots[n]?.weight ?? 0n);
  forLeader.sort((x, y) => {
    const byKey = (key[y] ?? 0) - (key[x] ?? 0);
    if (byKey !== 0) return byKey;
    const wx = ballots[x]?.weight ?? 0n;
    const wy = ballots[y]?.weight ?? 0n;
    return wx === wy ? 0 : wx > wy ? -1 : 1;
  });

  let best: { by: number; count: number; weight: bigint } | null = null;
  for (let j = 0; j < optionIds.length; j++) {
    if (j === leaderIndex) continue;
    const gap = top - (totals[j] ?? 0n);
    let count = 0;
    let removed = 0n;
    for (const n of forLeader) {
      // Only strictly fewer beats an earlier challenger.
      if (best !== null && count + 1 >= best.count) break;
      if (chosen[n]?.includes(j)) continue;
      count += 1;
      removed += ballots[n]?.weight ?? 0n;
      if (removed > gap) {
        best = { by: j, count, weight: removed };
        break;
      }
    }
  }
  if (best === null) return { kind: 'unshakeable', leader };
  return { kind: 'overturn', leader, by: optionIds[best.by] ?? '', count: best.count, weight: best.weight, total };
}

/**
 * The public form of `smallestOverturn`, floored like cohorts: fewer than
 * PRIVACY_FLOOR deciding wallets are not counted, since a reader could often
 * name them. Polls with public ballots have no floor.
 *
 * @example decisiveWallets(ballots, ['a', 'b'], { publicBallots: false })
 * // { count: 7, share: 0.31, note: '7 wallets decide the weighted result' }
 */
export function decisiveWallets(
  ballots: readonly WeightedBallot[],
  optionIds: readonly string[],
  { publicBallots }: { publicBallots: boolean },
): DecisiveWallets {
  const result = smallestOverturn(ballots, optionIds);
  switch (result.kind) {
    case 'empty':
      return { count: null, share: null, note: 'no weighted votes yet' };
    case 'tied':
      return { count: null, share: null, note: 'the weighted result is tied: no single leader to overturn' };
    case 'unshakeable':
      return { count: null, share: null, note: 'no removal of wallets changes the weighted leader' };
    case 'overturn': {
      if (!publicBallots && result.count < PRIVACY_FLOOR) {
        return { count: null, share: null, note: `fewer than ${PRIVACY_FLOOR} wallets decide it` };
      }
      const note =
        result.count === 1
          ? '1 wallet decides the weighted result'
          : `${result.count} wallets decide the weighted result`;
      return { count: result.count, share: Number(result.weight) / Number(result.total), note };
    }
  }
}
