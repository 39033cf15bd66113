import type { StoredSnapshot } from './repo.server.ts';

/** What the tokens index (/tokens/) says of each token: its latest snapshot, two figures and a sparkline. Pure. */

export interface TokenOverview {
  /** When the latest snapshot (the highest block) was taken. */
  takenAt: number;
  block: number;
  /** Counted over all holders: every snapshot has that scope. */
  holders: number;
  top10Share: number;
  /** The number of holders at each snapshot, oldest first. */
  trend: { at: number; value: number }[];
  simulated: boolean;
}

/** The overview of a token's snapshots (ordered by block, as listSnapshots gives them), or null without any. */
export function tokenOverview(
  snapshots: readonly Pick<StoredSnapshot, 'block' | 'takenAt' | 'metrics' | 'simulated'>[],
): TokenOverview | null {
  const latest = snapshots.at(-1);
  if (!latest) return null;
  return {
    takenAt: latest.takenAt,
    block: latest.block,
    holders: latest.metrics.all.holderCount,
    top10Share: latest.metrics.all.top10Share,
    trend: snapshots.map((s) => ({ at: s.takenAt, value: s.metrics.all.holderCount })),
    simulated: snapshots.some((s) => s.simulated),
  };
}

/**
 * A sparkline's points for an SVG polyline in a `width` × `height` box: x by
 * time, so a four-week gap is twice a two-week one; y over the whole `domain`
 * (from 0 for a count), not the data's own range, which would draw a move
 * from 260 to 258 as a cliff. Null with fewer than two points: one point is
 * no line.
 * @example sparkline([{ at: 0, value: 0 }, { at: 10, value: 1 }], 100, 20, [0, 1]) // '1,19 99,1'
 */
export function sparkline(
  points: readonly { at: number; value: number }[],
  width: number,
  height: number,
  [low, high]: readonly [number, number],
): string | null {
  if (points.length < 2 || high <= low) return null;
  const pad = 1;
  const [first, last] = [points[0]?.at ?? 0, points.at(-1)?.at ?? 0];
  const x = (at: number): number =>
    last === first ? width / 2 : pad + ((at - first) / (last - first)) * (width - 2 * pad);
  const clamped = (value: number): number => Math.min(high, Math.max(low, value));
  const y = (value: number): number => pad + ((high - clamped(value)) / (high - low)) * (height - 2 * pad);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return points.map((p) => `${round(x(p.at))},${round(y(p.value))}`).join(' ');
}
