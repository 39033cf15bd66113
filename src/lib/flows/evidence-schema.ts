import { z } from 'zod';
import { MOVING_GROUPS } from '../../../db/vocabulary.ts';
import type { Scope } from '../chain/scopes.ts';

/**
 * `evidence:` on a poll option: the figure the option is about, with its scope and window (evidence.ts words
 * it). Only zod and the database's vocabulary here: the poll schemas import this, and the flows' own modules
 * reach chain/schemas, which imports the poll schemas.
 */

/** The groups an option can be about: the cohorts, insiders, fresh wallets, and the custodial kinds that move. */
export const EVIDENCE_GROUPS = MOVING_GROUPS;
/** The scopes, by their YAML names as resolutions spell them. */
const EVIDENCE_SCOPES = { all: 'all', 'custodians-excluded': 'excludingLabelled', circulating: 'circulating' } as const;
export const REWARD_MEASURES = ['top10Share', 'gini', 'belowFloor', 'toExchange7', 'toExchange30'] as const;

// An unquoted YAML date (`at: 2026-10-13`) reaches the schema as a Date at UTC midnight.
const asDay = (value: unknown): unknown =>
  value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;

const DAYS = z.number().int().min(1).max(365).default(30);

export const evidenceSchema = z.discriminatedUnion('figure', [
  // The option is one no chain figure can answer: the page says so instead of leaving it blank.
  z.object({ figure: z.literal('none') }).strict(),
  z
    .object({
      figure: z.literal('flows'),
      group: z.enum(EVIDENCE_GROUPS, { message: `group must be one of ${EVIDENCE_GROUPS.join(', ')}` }),
      scope: z.enum(Object.keys(EVIDENCE_SCOPES) as [keyof typeof EVIDENCE_SCOPES]).default('circulating'),
      days: DAYS,
    })
    .strict(),
  z
    .object({
      figure: z.literal('rewards'),
      measure: z.enum(REWARD_MEASURES, { message: `measure must be one of ${REWARD_MEASURES.join(', ')}` }),
      period: z.enum(['week', 'month']).default('week'),
    })
    .strict(),
  z
    .object({
      figure: z.literal('unlocks'),
      /** The unlock of this UTC day; without it, the latest one that has happened. */
      at: z.preprocess(asDay, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'at must be a date as YYYY-MM-DD')).optional(),
    })
    .strict(),
  z.object({ figure: z.literal('exchanges'), days: DAYS }).strict(),
]);

export type Evidence = z.infer<typeof evidenceSchema>;
export type FigureEvidence = Exclude<Evidence, { figure: 'none' }>;

export const evidenceScope = (spec: Extract<FigureEvidence, { figure: 'flows' }>): Scope => EVIDENCE_SCOPES[spec.scope];
