import type { Unlock } from '../chain/unlocks.ts';

/**
 * What unlocked tokens do (issue 39, figure 3), pure. Around each event that releases tokens at once (a cliff,
 * or a linear schedule's cliff; steady linear vesting has no event), from 7 days before it to 30 days after:
 * the tokens insiders (team, vesting, treasury) sent to an exchange, directly or through one unlabelled wallet
 * they paid in the window, as a share of what the event released.
 *
 * One hop, and only what was passed on: an intermediate wallet's transfers to an exchange count after, and up
 * to, what it received from insiders in the same window, so a wallet's own older tokens are never blamed on
 * the unlock. Windows that overlap each count a transfer, and say so.
 */

export const DAY_MS = 86_400_000;
export const DAYS_BEFORE = 7;
export const DAYS_AFTER = 30;

export interface UnlockRelease {
  at: number;
  kind: 'cliff' | 'linear-cliff';
  recipient: string;
  /** Base units the event releases. */
  amount: bigint;
}

/** Whole tokens as a decimal string ("15000000", "0.5") in base units, exactly. */
export function baseUnits(tokens: string, decimals: number): bigint {
  const [whole = '0', fraction = ''] = tokens.split('.');
  const digits = fraction.slice(0, decimals).padEnd(decimals, '0');
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(digits || '0');
}

/**
 * The events of a schedule that release tokens at an instant, oldest first: each cliff, and each linear
 * schedule's cliff with what accrued from its start (as chain/unlocks.ts draws it), in base units.
 */
export function unlockReleases(unlocks: readonly Unlock[], decimals: number): UnlockRelease[] {
  const releases: UnlockRelease[] = [];
  for (const u of unlocks) {
    const amount = baseUnits(u.amount, decimals);
    if (u.kind === 'cliff') releases.push({ at: u.date.getTime(), kind: 'cliff', recipient: u.recipient, amount });
    else if (u.cliff) {
      const start = u.start.getTime();
      const cliff = u.cliff.getTime();
      const accrued = (amount * BigInt(cliff - start)) / BigInt(u.end.getTime() - start);
      releases.push({ at: cliff, kind: 'linear-cliff', recipient: u.recipient, amount: accrued });
    }
  }
  return releases.sort((a, b) => a.at - b.at || a.recipient.localeCompare(b.recipient));
}

export interface TimedTransfer {
  /** Lower-case addresses. */
  from: string;
  to: string;
  amount: bigint;
  /** Block time, ms. */
  time: number;
  /** (block, log index) order. */
  order: number;
}

export interface UnlockWindowInput {
  releases: readonly UnlockRelease[];
  /** Addresses labelled team, vesting or treasury. */
  insiders: ReadonlySet<string>;
  /** Addresses labelled exchange or lp. */
  exchanges: ReadonlySet<string>;
  /** Every labelled address: none of them is an intermediate wallet. */
  labelled: ReadonlySet<string>;
  /** At least every transfer from an insider and every transfer to an exchange; others are ignored. */
  transfers: readonly TimedTransfer[];
  /** What the data reaches (the latest snapshot's time): a window ending later is "so far". */
  asOf: number;
}

export interface UnlockWindow {
  at: number;
  kind: UnlockRelease['kind'];
  recipient: string;
  released: bigint;
  /** The window, ms: [from, to). */
  from: number;
  to: number;
  /** Sent to an exchange by insiders themselves. */
  direct: bigint;
  /** Sent to an exchange by wallets insiders paid in the window, up to what they were paid. */
  viaHop: bigint;
  /** direct + viaHop as a share of `released`; null when the event released nothing. */
  share: number | null;
  /** Exchange inflow counted for this window by day, from day −7 (index 0) to day 29 (index 36). */
  daily: bigint[];
  /** Intermediate wallets that passed tokens on to an exchange. */
  hops: number;
  /** Indexes of the other windows this one overlaps. */
  overlaps: number[];
  /** The window has not ended by `asOf`: its figures are "so far". */
  open: boolean;
}

const DAYS = DAYS_BEFORE + DAYS_AFTER;

export function unlockWindows(input: UnlockWindowInput): UnlockWindow[] {
  const { insiders, exchanges, labelled } = input;
  const transfers = [...input.transfers].sort((a, b) => a.order - b.order);
  const windows = input.releases.map((release) => ({
    ...release,
    from: release.at - DAYS_BEFORE * DAY_MS,
    to: release.at + DAYS_AFTER * DAY_MS,
  }));
  return windows.map((w, index) => {
    const credit = new Map<string, bigint>();
    const passedOn = new Set<string>();
    const daily = Array.from({ length: DAYS }, () => 0n);
    let direct = 0n;
    let viaHop = 0n;
    for (const t of transfers) {
      if (t.time < w.from || t.time >= w.to || t.amount <= 0n) continue;
      const fromInsider = insiders.has(t.from);
      if (fromInsider && exchanges.has(t.to)) {
        direct += t.amount;
        addOn(daily, Math.floor((t.time - w.from) / DAY_MS), t.amount);
      } else if (fromInsider && !labelled.has(t.to)) {
        credit.set(t.to, (credit.get(t.to) ?? 0n) + t.amount);
      } else if (exchanges.has(t.to) && !labelled.has(t.from)) {
        const held = credit.get(t.from) ?? 0n;
        const counted = held < t.amount ? held : t.amount;
        if (counted === 0n) continue;
        credit.set(t.from, held - counted);
        viaHop += counted;
        passedOn.add(t.from);
        addOn(daily, Math.floor((t.time - w.from) / DAY_MS), counted);
      }
    }
    const sent = direct + viaHop;
    return {
      at: w.at,
      kind: w.kind,
      recipient: w.recipient,
      released: w.amount,
      from: w.from,
      to: w.to,
      direct,
      viaHop,
      share: w.amount > 0n ? Number((sent * 1_000_000_000n) / w.amount) / 1e9 : null,
      daily,
      hops: passedOn.size,
      overlaps: windows.flatMap((other, j) => (j !== index && other.from < w.to && w.from < other.to ? [j] : [])),
      open: input.asOf < w.to,
    };
  });
}

function addOn(daily: bigint[], day: number, amount: bigint): void {
  daily[day] = (daily[day] ?? 0n) + amount;
}
