import { z } from 'zod';
import type {
  Condition,
  ResolutionDefinition,
  ResolutionMetric,
  ResolutionScopeName,
} from '../../../db/json-columns.ts';
import { PLAIN_METRICS } from '../../../db/vocabulary.ts';
import { COHORTS } from '../chain/metrics.ts';
import { FLOW_METRICS, isFlowMetric, UNSCOPED_FLOW_METRICS } from '../flows/measures.ts';
import type { Scope } from '../chain/scopes.ts';

/**
 * How a poll about the chain resolves: which snapshot figure it is scored
 * against, over which holders, between which two snapshots, and which change
 * picks which option. Pure: the poll definition schema checks it at start-up.
 *
 * A parsed resolution is stored with its poll, so its shape (ResolutionDefinition) and the metric names are
 * declared beside the schema (db/json-columns.ts, db/vocabulary.ts); the schema below must infer exactly that
 * shape (RESOLUTION_SCHEMA_IS_STORED_SHAPE, below the schema), so the two cannot drift.
 */

export { PLAIN_METRICS, type PlainMetric } from '../../../db/vocabulary.ts';
export type {
  Condition,
  ResolutionDefinition,
  ResolutionMetric,
  ResolutionScopeName,
} from '../../../db/json-columns.ts';

export const RESOLUTION_METRICS: readonly ResolutionMetric[] = [
  ...PLAIN_METRICS,
  ...COHORTS.map((c) => `cohortShare.${c}` as const),
  ...FLOW_METRICS,
];

/** The YAML names of the scopes (the counterparty issue's three sets of holders). */
export const RESOLUTION_SCOPES = {
  all: 'all',
  'custodians-excluded': 'excludingLabelled',
  circulating: 'circulating',
} as const satisfies Record<ResolutionScopeName, Scope>;

// An unquoted YAML date (`at: 2027-03-01`) reaches the schema as a Date at UTC midnight in Astro's content loader.
const asDay = (value: unknown): unknown =>
  value instanceof Date && !Number.isNaN(value.getTime()) && value.toISOString().endsWith('T00:00:00.000Z')
    ? value.toISOString().slice(0, 10)
    : value;
const DAY = z.preprocess(
  asDay,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date as YYYY-MM-DD')
    .refine(
      (day) =>
        !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
      {
        message: 'not a calendar date',
      },
    ),
);

/**
 * A condition on the change (to − from, in the metric's own unit; a flow metric's value, since a flow starts at
 * zero): `below`/`above` strict, `between` closed.
 */
export const conditionSchema = z.union([
  z.object({ below: z.number() }).strict(),
  z.object({ above: z.number() }).strict(),
  z
    .object({ between: z.tuple([z.number(), z.number()]) })
    .strict()
    .refine(({ between: [low, high] }) => low <= high, {
      message: 'between needs [low, high] with low ≤ high',
      path: ['between'],
    }),
]);

export const resolutionSchema = z
  .object({
    metric: z.enum(RESOLUTION_METRICS as [ResolutionMetric, ...ResolutionMetric[]], {
      error: () => `metric must be one of ${RESOLUTION_METRICS.join(', ')}`,
    }),
    scope: z.enum(Object.keys(RESOLUTION_SCOPES) as [ResolutionScopeName, ...ResolutionScopeName[]], {
      error: () => `scope must be one of ${Object.keys(RESOLUTION_SCOPES).join(', ')}`,
    }),
    /** `opens`: the poll's weighting snapshot; a date: the first snapshot at or after it. */
    from: z.union([z.literal('opens'), DAY]),
    /** The first snapshot at or after this date settles it. */
    at: DAY,
    /** Option id → condition on the change. Options left out are never scored right or wrong. */
    outcomes: z.record(z.string(), conditionSchema),
    /** `entity`: the snapshot metric counted with each owner as one holder. */
    by: z
      .enum(['address', 'entity'], { error: () => 'by must be address or entity (each owner counted once)' })
      .optional(),
  })
  .strict();

/** True when A and B are the same type (each assignable to the other is not enough: optional keys and `any` differ). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/**
 * Compiles only while the schema parses to exactly the stored shape (db/json-columns.ts): change one and the
 * other must follow.
 */
export const RESOLUTION_SCHEMA_IS_STORED_SHAPE: Equals<z.infer<typeof resolutionSchema>, ResolutionDefinition> &
  Equals<z.infer<typeof conditionSchema>, Condition> = true;

/** Midnight UTC of a YYYY-MM-DD day, epoch ms. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** A condition as an interval of the real line, with open or closed ends. */
interface Interval {
  optionId: string;
  low: number;
  lowClosed: boolean;
  high: number;
  highClosed: boolean;
}

function intervalOf(optionId: string, condition: Condition): Interval {
  if ('below' in condition)
    return { optionId, low: -Infinity, lowClosed: false, high: condition.below, highClosed: false };
  if ('above' in condition)
    return { optionId, low: condition.above, lowClosed: false, high: Infinity, highClosed: false };
  const [low, high] = condition.between;
  return { optionId, low, lowClosed: true, high, highClosed: true };
}

/**
 * Why a set of outcome conditions cannot decide every change, or null when it
 * can: no two may both hold for one value, and together they must cover every
 * value from −∞ to +∞.
 * @example outcomeGaps({ down: { below: 0 }, up: { above: 0 } }) // "no outcome for a change of exactly 0"
 */
export function outcomeGaps(outcomes: Readonly<Record<string, Condition>>): string | null {
  const intervals = Object.entries(outcomes)
    .map(([id, c]) => intervalOf(id, c))
    // By where they start; at the same start a closed end comes first (it begins earlier).
    .sort((a, b) => a.low - b.low || Number(b.lowClosed) - Number(a.lowClosed));
  const first = intervals[0];
  if (!first) return 'no outcomes';
  if (first.low !== -Infinity) return `no outcome for a change below ${first.low}`;
  let reach = first;
  for (const next of intervals.slice(1)) {
    const touches = next.low === reach.high;
    if (next.low < reach.high || (touches && next.lowClosed && reach.highClosed)) {
      return `outcomes "${reach.optionId}" and "${next.optionId}" overlap`;
    }
    if (next.low > reach.high) return `no outcome for a change between ${reach.high} and ${next.low}`;
    if (touches && !next.lowClosed && !reach.highClosed) return `no outcome for a change of exactly ${next.low}`;
    reach = next;
  }
  if (reach.high !== Infinity) return `no outcome for a change above ${reach.high}`;
  return null;
}

/** The poll fields a resolution is checked against. */
export interface ResolvingPoll {
  kind: 'single' | 'multiple';
  options: readonly { id: string }[];
  closesAt?: Date | undefined;
  token?: string | undefined;
}

/** Every problem of a resolution within its poll, each with the field it concerns (below `resolution`). */
export function resolutionProblems(
  resolution: ResolutionDefinition,
  poll: ResolvingPoll,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!poll.token) problems.push({ path: [], message: 'a poll that resolves against the chain needs a token' });
  if (poll.kind !== 'single') problems.push({ path: [], message: 'a poll that resolves is kind: single' });
  if (!poll.closesAt) {
    problems.push({ path: ['at'], message: 'a poll that resolves needs closesAt, before its resolution date' });
  } else if (dayStart(resolution.at) < poll.closesAt.getTime()) {
    problems.push({ path: ['at'], message: `at (${resolution.at}) is before the poll closes` });
  }
  if (resolution.from !== 'opens' && dayStart(resolution.from) >= dayStart(resolution.at)) {
    problems.push({ path: ['from'], message: `from (${resolution.from}) must be before at (${resolution.at})` });
  }
  const optionIds = new Set(poll.options.map((o) => o.id));
  for (const id of Object.keys(resolution.outcomes)) {
    if (!optionIds.has(id)) problems.push({ path: ['outcomes', id], message: `"${id}" is not an option of this poll` });
  }
  if ((UNSCOPED_FLOW_METRICS as readonly string[]).includes(resolution.metric) && resolution.scope !== 'all') {
    problems.push({
      path: ['scope'],
      message: `${resolution.metric} is not measured over one set of holders: use scope: all`,
    });
  }
  if (resolution.by === 'entity' && isFlowMetric(resolution.metric)) {
    problems.push({
      path: ['by'],
      message: `${resolution.metric} is a flow between groups of addresses: by: entity is for snapshot metrics`,
    });
  }
  const gaps = outcomeGaps(resolution.outcomes);
  if (gaps) problems.push({ path: ['outcomes'], message: gaps });
  return problems;
}
