import { csvField } from '../platform/http/csv.ts';
import type { PublicBallot } from './repo.server.ts';
import type { CohortResults } from './present.ts';

/** CSV files of cohort results and public ballots (RFC 4180: quoted where needed, CRLF-free). */

function table(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * Every figure of the cohort breakdown, as the API shows it (hidden cohorts
 * and gated tallies stay empty), one row per cohort or tally and option,
 * each with the snapshot it rests on.
 */
export function cohortsCsv(pollId: string, results: CohortResults): string {
  const { weighting } = results;
  const where = [weighting.block, weighting.date, weighting.source];
  const rows: (string | number | boolean | null)[][] = [];
  for (const cohort of results.cohorts ?? []) {
    for (const option of cohort.options) {
      rows.push([
        pollId,
        'cohort',
        cohort.id,
        cohort.hidden,
        cohort.voters,
        option.id,
        option.votes,
        null,
        option.percent,
        ...where,
      ]);
    }
  }
  for (const [name, tally] of Object.entries(results.tallies ?? {})) {
    for (const option of tally?.options ?? []) {
      rows.push([
        pollId,
        'tally',
        name,
        false,
        null,
        option.id,
        option.votes ?? null,
        option.weight ?? null,
        option.percent,
        ...where,
      ]);
    }
  }
  return table(
    [
      'poll',
      'kind',
      'group',
      'hidden',
      'voters',
      'option',
      'votes',
      'weight',
      'percent',
      'snapshot_block',
      'snapshot_date',
      'snapshot_source',
    ],
    rows,
  );
}

/** Every verified ballot of a closed poll with public ballots, so anyone can recompute each tally. */
export function ballotsCsv(ballots: readonly PublicBallot[], block: number | null): string {
  return table(
    ['address', 'options', 'weight', 'cohort', 'snapshot_block'],
    ballots.map((b) => [b.address, b.optionIds.join(' '), b.weight, b.cohort, block]),
  );
}
