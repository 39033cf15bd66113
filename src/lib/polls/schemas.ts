import { z } from 'zod';
import { resolutionProblems, resolutionSchema } from '../resolution/definition.ts';
import { TOKEN_SYMBOL } from '../content/schemas.ts';
import { evidenceSchema } from '../flows/evidence-schema.ts';

const SLUG = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');

/** Translations of a label, keyed by language: `{ zh: "...", en: "..." }`. */
export const labelsSchema = z.record(z.string().regex(/^[a-z]{2}(?:-[A-Za-z]{2,4})?$/), z.string().min(1).max(200));

export const pollOptionSchema = z.object({
  id: SLUG,
  label: z.string().min(1).max(200),
  labels: labelsSchema.optional(),
  /** Votes carried over from where the poll first ran (see `source`). */
  importedVotes: z.number().int().min(0).default(0),
  /** The chain figure this option is about, shown beside it on the poll page; `{ figure: none }` when none can answer it. */
  evidence: evidenceSchema.optional(),
});

export const pollSourceSchema = z.object({
  /** Human description, e.g. "the original post on X". */
  name: z.string().min(1),
  /** `name` in other languages (`zh: …`), so a page says where the votes came from in its own language. */
  labels: labelsSchema.optional(),
  url: z.url().optional(),
  /** When the imported counts were read. */
  capturedAt: z.coerce.date().optional(),
  /** Imported ballots; needed for multiple-choice polls, where votes do not add up to voters. */
  voters: z.number().int().min(0).optional(),
});

/** A poll definition in src/content/polls/<id>.yaml. */
export const pollDefinitionSchema = z
  .object({
    id: SLUG,
    question: z.string().min(1).max(300),
    questionLabels: labelsSchema.optional(),
    options: z.array(pollOptionSchema).min(2).max(10),
    kind: z.enum(['single', 'multiple']).default('single'),
    maxChoices: z.number().int().min(1).optional(),
    opensAt: z.coerce.date(),
    closesAt: z.coerce.date().optional(),
    voters: z.enum(['anyone', 'wallet']).default('anyone'),
    results: z.enum(['always', 'after-vote', 'after-close']).default('always'),
    allowChange: z.boolean().default(false),
    token: TOKEN_SYMBOL.optional(),
    source: pollSourceSchema.optional(),
    /**
     * Which snapshot of `token` weights the ballots. By default the latest one
     * taken at or before the poll opens (else the first after): weights are
     * fixed before voting starts, so nobody can buy tokens to sway it.
     */
    weighting: z
      .union([
        z.object({ block: z.number().int().min(0) }).strict(),
        z.object({ snapshot: z.literal('latest') }).strict(),
      ])
      .optional(),
    /** After close, list every verified ballot with its address (ballots.csv). Stated before anyone votes. */
    publicBallots: z.boolean().default(false),
    /** How the chain settles the poll after it closes (src/lib/resolution/definition.ts). */
    resolution: resolutionSchema.optional(),
    /** Part of the simulated demo: not synced, and its ballots removed, when DEMO=off. */
    demo: z.boolean().default(false),
  })
  .superRefine((poll, ctx) => {
    const seen = new Set<string>();
    poll.options.forEach((option, i) => {
      if (seen.has(option.id)) {
        ctx.addIssue({ code: 'custom', message: `duplicate option id "${option.id}"`, path: ['options', i, 'id'] });
      }
      seen.add(option.id);
    });
    if (poll.kind === 'single' && poll.maxChoices !== undefined && poll.maxChoices !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a single-choice poll has maxChoices 1', path: ['maxChoices'] });
    }
    if (poll.kind === 'multiple' && (poll.maxChoices ?? 0) > poll.options.length) {
      ctx.addIssue({ code: 'custom', message: 'maxChoices exceeds the number of options', path: ['maxChoices'] });
    }
    if (poll.closesAt && poll.closesAt <= poll.opensAt) {
      ctx.addIssue({ code: 'custom', message: 'closesAt must be after opensAt', path: ['closesAt'] });
    }
    if ((poll.weighting || poll.publicBallots) && !poll.token) {
      const path = poll.weighting ? 'weighting' : 'publicBallots';
      ctx.addIssue({ code: 'custom', message: `${path} needs a token to weight ballots by`, path: [path] });
    }
    poll.options.forEach((option, i) => {
      if (option.evidence !== undefined && option.evidence.figure !== 'none' && !poll.token) {
        ctx.addIssue({ code: 'custom', message: 'evidence needs the poll’s token', path: ['options', i, 'evidence'] });
      }
    });
    if (poll.resolution) {
      for (const problem of resolutionProblems(poll.resolution, poll)) {
        ctx.addIssue({ code: 'custom', message: problem.message, path: ['resolution', ...problem.path] });
      }
    }
    if (poll.options.some((o) => o.importedVotes > 0) && !poll.source) {
      ctx.addIssue({ code: 'custom', message: 'imported votes need a source', path: ['source'] });
    }
    if (
      poll.kind === 'multiple' &&
      poll.options.some((o) => o.importedVotes > 0) &&
      poll.source?.voters === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        message: 'a multiple-choice poll with imported votes needs source.voters',
        path: ['source', 'voters'],
      });
    }
  });

export type PollDefinitionInput = z.input<typeof pollDefinitionSchema>;
export type PollDefinition = z.infer<typeof pollDefinitionSchema>;

/** A ballot as the JSON API receives it: `{"optionIds": ["..."]}`. */
export const voteInputSchema = z.object({
  optionIds: z.array(z.string().max(100)),
});

/** The same ballot from the HTML form (checkboxes or radios named optionIds). */
export const voteFormSchema = voteInputSchema.extend({
  pollId: z.string().max(100),
  optionIds: z.array(z.string().max(100)).default([]),
});

/** The "count my vote as verified" form: which poll. */
export const claimFormSchema = z.object({ pollId: z.string().max(100) });

/** Largest vote request body accepted, in bytes. */
export const MAX_VOTE_BODY_BYTES = 16 * 1024;
