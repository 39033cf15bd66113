/**
 * Words for a token poll's results by cohort: the widget's summary line and
 * the page's sentences. Shared by the server rendering and the live client,
 * so both say the same thing.
 */
import type { CohortResults } from './present.ts';
import { listWords } from './tallies.ts';

export type CohortLineInput = { options: readonly { id: string; label: string }[] } & Partial<
  Pick<CohortResults, 'cohorts' | 'tallies' | 'decisiveWallets'>
>;

/**
 * What the cohorts add to the widget's summary line, after its vote and
 * verified counts: null while there is nothing by cohort to show (results
 * hidden, or no snapshot yet). A figure gated or under the floor is left out
 * rather than shown empty; with none left the line still points to the
 * breakdown.
 *
 * @example
 * cohortLine({ options, cohorts, tallies: { tokens: { leader: ['b'] } }, decisiveWallets: { count: 3 } })
 * // 'tokens lean B · 3 wallets decide it'
 */
export function cohortLine(results: CohortLineInput): string | null {
  if (!results.cohorts) return null;
  const parts: string[] = [];
  const leader = results.tallies?.tokens?.leader ?? [];
  const labels = leader.map((id) => results.options.find((o) => o.id === id)?.label ?? id);
  if (labels.length === 1) parts.push(`tokens lean ${labels[0]}`);
  if (labels.length > 1) parts.push(`tokens split between ${listWords(labels)}`);
  const count = results.decisiveWallets?.count ?? null;
  if (count !== null) {
    parts.push(count === 1 ? '1 wallet decides it' : `${count.toLocaleString('en-US')} wallets decide it`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'results by cohort';
}

/** The date of a snapshot as the page gives it, in UTC: "1 Dec 2025". */
export function formatSnapshotDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

/**
 * Which snapshot weights the ballots, the start of a sentence that goes on
 * with its source; null before there is one (the weighting note then says
 * what will).
 *
 * @example
 * describeWeighting({ block: 21000000, date: '2025-12-01T00:00:00.000Z' })
 * // 'Weighted by the snapshot at block 21,000,000 (1 Dec 2025)'
 */
export function describeWeighting(weighting: Pick<CohortResults['weighting'], 'block' | 'date'>): string | null {
  const { block, date } = weighting;
  if (block === null) return null;
  return `Weighted by the snapshot at block ${block.toLocaleString('en-US')}${date === null ? '' : ` (${formatSnapshotDate(date)})`}`;
}

/**
 * A fraction as a whole percentage for prose, never rounding a real share
 * down to nothing.
 *
 * @example sharePercent(0.3849) // '38%'
 * @example sharePercent(0.002) // 'less than 1%'
 */
export function sharePercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return 'less than 1%';
  return `${Math.min(100, Math.round(fraction * 100))}%`;
}

/**
 * "Wallets that decide it" as a sentence: the note, and the share of the
 * verified weight those wallets hold when it is given.
 *
 * @example describeDecisive({ count: 3, share: 0.4, note: '3 wallets decide the weighted result' })
 * // '3 wallets decide the weighted result: together they hold 40% of the verified ballots’ token weight.'
 * @example describeDecisive({ count: null, share: null, note: 'fewer than 5 wallets decide it' })
 * // 'Fewer than 5 wallets decide it.'
 */
export function describeDecisive(
  decisive: Pick<NonNullable<CohortResults['decisiveWallets']>, 'share' | 'note'>,
): string {
  const note = decisive.note.charAt(0).toUpperCase() + decisive.note.slice(1);
  if (decisive.share === null) return `${note}.`;
  return `${note}: together they hold ${sharePercent(decisive.share)} of the verified ballots’ token weight.`;
}
