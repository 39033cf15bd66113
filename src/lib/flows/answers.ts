import type { FlowFigureData } from '../../../db/json-columns.ts';

/**
 * What the figure endpoints (rewards, unlocks, exchanges) say around their figures: where they come from, and
 * the assumptions a reader needs to check them. Pure.
 */

export interface StoredFigure<T extends FlowFigureData> {
  fromBlock: number;
  toBlock: number;
  /** The snapshot's time, ms. */
  asOf: number;
  computedAt: number;
  data: T;
}

export const NEEDS_TRANSFERS =
  'This figure is computed from the token’s transfers, and none are kept for it: it is known only from CSV ' +
  'snapshots, or its scans began before transfers were kept.';

/** The transfers read, up to the snapshot the figures stand at. */
export function figureSource(stored: StoredFigure<FlowFigureData>): {
  kind: 'transfers';
  blocks: { from: number; to: number };
  asOf: string;
} {
  return {
    kind: 'transfers',
    blocks: { from: stored.fromBlock, to: stored.toBlock },
    asOf: new Date(stored.asOf).toISOString(),
  };
}

export const REWARD_ASSUMPTIONS = [
  'Rewards are transfers from addresses labelled rewards (and mints from the zero address after its since block, where it is labelled so), to anyone but another reward address.',
  'Periods are UTC days, ISO weeks from Monday 00:00 UTC, or calendar months, by block time; the current period is incomplete.',
  'What reached an exchange: only a recipient’s own direct transfers to an address labelled exchange or lp, matched against its rewards oldest first and never beyond what it received; its other tokens are not told apart from rewards.',
  'Rewards paid less than the window (7 or 30 days) before the snapshot are pending: not yet known, not zero.',
  'floorPerWeek is the publisher’s assumption of what a week of running a node costs, scaled to each period’s days.',
];

export const UNLOCK_ASSUMPTIONS = [
  'An event is a cliff, or a linear schedule’s cliff (what accrued since its start); steady linear vesting has none.',
  'The window runs from 7 days before the event to 30 days after it, by block time.',
  'Counted: transfers to an address labelled exchange or lp from addresses labelled team, vesting or treasury, and from unlabelled wallets they paid in the window (one hop), after and up to what those were paid.',
  'Windows that overlap each count a transfer; a window that has not ended is "so far".',
];

export const EXCHANGE_ASSUMPTIONS = [
  'Exchanges are addresses labelled exchange or lp (a swap sends tokens to its pool); transfers between two of them are left out.',
  'The other side’s group is the one it had at the latest snapshot before the transfer: "new" when that snapshot does not list it, "before-first" when there is no snapshot before it.',
];
