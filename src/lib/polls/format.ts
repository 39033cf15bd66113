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

/**
 * The end of a history period as a table gives it, in UTC: the hour for
 * hourly points, the day (with its year) for daily ones.
 *
 * @example formatPeriodEnd(Date.UTC(2026, 0, 2, 13), 'hour') // '2 Jan, 13:00 UTC'
 * @example formatPeriodEnd(Date.UTC(2026, 0, 2), 'day') // '2 Jan 2026'
 */
export function formatPeriodEnd(at: number, period: 'hour' | 'day'): string {
  return (
    new Date(at).toLocaleString('en-GB', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'short',
      ...(period === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { year: 'numeric' }),
    }) + (period === 'hour' ? ' UTC' : '')
  );
}

/** A history chart's axis label, shorter than a table's: no year, no zone (the tables say UTC). */
export function formatChartTick(at: number, period: 'hour' | 'day'): string {
  return new Date(at).toLocaleString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    ...(period === 'hour' ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
}
