/** Words for poll figures, shared by server rendering and the live client. */

export function formatVotes(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'vote' : 'votes'}`;
}

const UNITS: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

/**
 * A rough distance in time, rounded down to its largest unit.
 * @example roughDuration(3 * 86_400_000 + 5) // '3 days'
 */
export function roughDuration(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'less than a minute';
}

/** "Voting closed", "Ends in 3 days", "Opens in 2 hours" or "Open". */
export function describeStatus(
  status: 'scheduled' | 'open' | 'closed',
  opensAt: string,
  closesAt: string | null,
  now: number,
): string {
  if (status === 'closed') return 'Voting closed';
  if (status === 'scheduled') return `Opens in ${roughDuration(Date.parse(opensAt) - now)}`;
  return closesAt === null ? 'Open' : `Ends in ${roughDuration(Date.parse(closesAt) - now)}`;
}
