import { z } from 'zod';
import { TOKEN_SYMBOL } from '../content/schemas.ts';

/**
 * The demo fixture: what `npm run demo:chain` recorded of its simulated run
 * (db/demo/<name>.json), so a server can recreate the demo without a chain.
 * Raw data only: each snapshot's block, time, source and every holder's
 * balance, and each ballot as the server stored it. Metrics, cohorts and
 * weights are computed on load by the code that computes them for real
 * tokens, so they follow that code as it changes.
 */

export const DEMO_FIXTURE_FORMAT = 1;

const LOWER_ADDRESS = z.string().regex(/^0x[0-9a-f]{40}$/, 'a holder is a lower-case 0x address');
const WALLET = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a wallet is a 0x address');
const BASE_UNITS = z.string().regex(/^\d+$/, 'amounts are base units, as decimal strings');
const TIME = z.number().int().min(0);

export const demoFixtureSchema = z.object({
  format: z.literal(DEMO_FIXTURE_FORMAT),
  /** A sentence for whoever opens the file. */
  about: z.string().min(1),
  token: TOKEN_SYMBOL,
  snapshots: z
    .array(
      z.object({
        block: z.number().int().min(0),
        /** Epoch milliseconds of the block. */
        takenAt: TIME,
        source: z.object({
          kind: z.literal('rpc'),
          chainId: z.number().int().positive(),
          block: z.number().int().min(0),
          contract: WALLET,
        }),
        totalSupply: BASE_UNITS,
        // Demo data is simulated, always: a fixture cannot load anything else.
        simulated: z.literal(true),
        /** Every holder: address -> balance. */
        holders: z.record(LOWER_ADDRESS, BASE_UNITS),
      }),
    )
    .min(1),
  polls: z.array(
    z.object({
      id: z.string().min(1),
      ballots: z.array(
        z.object({
          voterId: z.string().min(1).max(100),
          /** The wallet that signed in and cast it (EIP-55), or null for a cookie ballot. */
          address: WALLET.nullable(),
          optionIds: z.array(z.string().min(1)).min(1),
          /** When the server stamped it, epoch milliseconds. */
          at: TIME,
        }),
      ),
    }),
  ),
});

export type DemoFixture = z.infer<typeof demoFixtureSchema>;
