import { z } from 'zod';
import { LABEL_KINDS } from '../../../db/vocabulary.ts';
import { TOKEN_SYMBOL } from '../content/schemas.ts';
import { labelsSchema } from '../polls/schemas.ts';

const ADDRESS = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x followed by 40 hex digits');

// Stored with each poll's weighting token, so the list is the database's (db/vocabulary.ts).
export { LABEL_KINDS, type LabelKind } from '../../../db/vocabulary.ts';

/** Cohort thresholds as a percentage of supply; a holder falls in the first it reaches. */
export const cohortsSchema = z
  .object({
    whale: z.number().positive().default(0.1),
    dolphin: z.number().positive().default(0.01),
    fish: z.number().positive().default(0.001),
  })
  .refine((c) => c.whale > c.dolphin && c.dolphin > c.fish, {
    message: 'cohort thresholds must shrink from whale to fish',
  });

/** Whole tokens, as a decimal string so large amounts stay exact. */
const AMOUNT = z.string().regex(/^\d+(\.\d+)?$/, 'an amount is whole tokens as a decimal string, such as "15000000"');
const DATE = z.coerce.date();

/**
 * One unlock schedule entry: a cliff (everything on one date; `kind` may be
 * left out) or a linear schedule from start to end, with an optional cliff
 * before which nothing unlocks (see unlocks.ts).
 */
export const unlockSchema = z.union([
  z
    .object({
      kind: z.literal('cliff').default('cliff'),
      date: DATE,
      amount: AMOUNT,
      recipient: z.string().min(1),
      recipientLabels: labelsSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('linear'),
      start: DATE,
      end: DATE,
      cliff: DATE.optional(),
      amount: AMOUNT,
      recipient: z.string().min(1),
      recipientLabels: labelsSchema.optional(),
    })
    .strict()
    .refine((u) => u.end > u.start, { message: 'a linear unlock ends after it starts', path: ['end'] })
    .refine((u) => !u.cliff || (u.cliff >= u.start && u.cliff <= u.end), {
      message: 'a linear unlock’s cliff falls between its start and end',
      path: ['cliff'],
    }),
]);

/**
 * A token in src/content/tokens/<symbol>.yaml. Texts a reader sees are in
 * English; beside each, `<field>Labels` holds its translations keyed by
 * language (`nameLabels: { zh: … }`), as poll files do (local-text.ts).
 */
export const tokenDefinitionSchema = z.object({
  symbol: TOKEN_SYMBOL,
  name: z.string().min(1),
  nameLabels: labelsSchema.optional(),
  description: z.string().optional(),
  descriptionLabels: labelsSchema.optional(),
  chainId: z.number().int().positive(),
  /** Unknown until the contract is public: pages then say there is no data yet. */
  address: ADDRESS.optional(),
  decimals: z.number().int().min(0).max(36).default(18),
  deployBlock: z.number().int().min(0).default(0),
  /** Name of the environment variable that holds this chain's RPC URL. */
  rpcEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  labels: z
    .record(
      ADDRESS,
      z.object({
        name: z.string().min(1),
        nameLabels: labelsSchema.optional(),
        kind: z.enum(LABEL_KINDS),
        /**
         * Only on the zero address labelled `rewards`: mints from this block on are reward payments, and the
         * initial supply minted before it is not.
         */
        since: z.number().int().min(0).optional(),
        /** Labels with the same name belong to one owner (issue 40's "named together"), whatever their kind. */
        entity: z.string().min(1).max(80).optional(),
      }),
    )
    .default({})
    .superRefine((labels, ctx) => {
      for (const [address, label] of Object.entries(labels)) {
        if (label.since !== undefined && (BigInt(address) !== 0n || label.kind !== 'rewards'))
          ctx.addIssue({
            code: 'custom',
            path: [address, 'since'],
            message: 'since is for the zero address labelled rewards (mints from that block on are rewards)',
          });
      }
    }),
  unlocks: z.array(unlockSchema).default([]),
  /**
   * Whole tokens a week below which a reward does not pay for running a node: the publisher's assumption, shown
   * as such beside figure 2 ("received less than …").
   */
  rewardFloor: AMOUNT.optional(),
  /** The grouping rules' limits for this token (entities/grouping.ts), each defaulted there. */
  entities: z
    .object({
      maxFanout: z.number().int().min(1).max(100_000).optional(),
      sweepShare: z
        .number()
        .gt(0.5, 'sweepShare must be above 0.5 (more than half sent to one address)')
        .max(1)
        .optional(),
      maxEntitySize: z.number().int().min(2).max(1_000_000).optional(),
    })
    .strict()
    .optional(),
  cohorts: cohortsSchema.default({ whale: 0.1, dolphin: 0.01, fish: 0.001 }),
  /** The simulated demo token: its page and data are left out when DEMO=off. */
  demo: z.boolean().default(false),
});

export type TokenDefinition = z.infer<typeof tokenDefinitionSchema>;
