import { z } from 'zod';
import type { tokenTransfers } from '../../../db/schema.ts';
import { TOKEN_SYMBOL } from '../content/schemas.ts';

/**
 * The demo fixture: what `npm run demo:chain` recorded of its simulated run
 * (db/demo/<name>.json), so a server can recreate the demo without a chain.
 * Raw data only: each snapshot's block, time, source and every holder's
 * balance, every transfer from the token's deployment to the last snapshot, and each ballot as the server
 * stored it. Metrics, cohorts and
 * weights are computed on load by the code that computes them for real
 * tokens, so they follow that code as it changes.
 */

export const DEMO_FIXTURE_FORMAT = 2;

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
  /**
   * Every Transfer log from `fromBlock` to the last snapshot's block, one string each so the file stays one line
   * a transfer: `block:logIndex:blockTimeMs:txHash:from:to:amount` (lower-case addresses, base units).
   */
  transfers: z.object({
    fromBlock: z.number().int().min(0),
    rows: z.array(
      z
        .string()
        .regex(
          /^\d+:\d+:\d+:0x[0-9a-f]{64}:0x[0-9a-f]{40}:0x[0-9a-f]{40}:\d+$/,
          'a transfer is block:logIndex:timeMs:txHash:from:to:amount',
        ),
    ),
  }),
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

/** A transfer as token_transfers stores it, without its token (the fixture's). */
export type FixtureTransfer = Omit<typeof tokenTransfers.$inferSelect, 'token'>;

/** One fixture transfer line, as the schema's pattern has checked it. */
export function parseFixtureTransfer(line: string): FixtureTransfer {
  const [block = '', logIndex = '', time = '', txHash = '', fromAddress = '', toAddress = '', amount = ''] =
    line.split(':');
  return {
    blockNumber: Number(block),
    logIndex: Number(logIndex),
    blockTime: Number(time),
    txHash,
    fromAddress,
    toAddress,
    amount,
  };
}

export const fixtureTransferLine = (t: FixtureTransfer): string =>
  [t.blockNumber, t.logIndex, t.blockTime, t.txHash, t.fromAddress, t.toAddress, t.amount].join(':');
