import type { LabelKind } from '../../../db/vocabulary.ts';
import { distributionMetrics } from '../chain/metrics.ts';

/**
 * Where the rewards go (issue 39, figure 2), pure: reward payments grouped by period with how concentrated they
 * are, and how much of each period's rewards its recipients passed on to an exchange soon after.
 *
 * Periods are UTC days, ISO weeks (from Monday 00:00 UTC) or calendar months, by block time. Amounts are base
 * units (bigint) in and out; shares and the Gini are floats, as ratios are everywhere on the site.
 */

export const REWARD_PERIODS = ['day', 'week', 'month'] as const;
export type RewardPeriod = (typeof REWARD_PERIODS)[number];

const DAY_MS = 86_400_000;

export interface Period {
  /** `2026-11-30` (day), `2026-W49` (ISO week), `2026-11` (month). */
  key: string;
  start: number;
  /** Exclusive. */
  end: number;
}

/** Periods by kind and UTC day: a period depends only on the day a moment falls in, and many rewards share one. */
const periodsByDay = new Map<string, Period>();

/** The period a moment falls in. */
export function periodOf(time: number, period: RewardPeriod): Period {
  const day = Math.floor(time / DAY_MS);
  const cacheKey = `${period}${day}`;
  const known = periodsByDay.get(cacheKey);
  if (known) return known;
  const found = periodOfDay(day * DAY_MS, period);
  // Bounded by the days a token has existed; cleared past a few years' worth all the same.
  if (periodsByDay.size > 10_000) periodsByDay.clear();
  periodsByDay.set(cacheKey, found);
  return found;
}

function periodOfDay(time: number, period: RewardPeriod): Period {
  const date = new Date(time);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  if (period === 'day') {
    const start = Date.UTC(y, m, d);
    return { key: new Date(start).toISOString().slice(0, 10), start, end: start + DAY_MS };
  }
  if (period === 'month') {
    const start = Date.UTC(y, m, 1);
    return { key: new Date(start).toISOString().slice(0, 7), start, end: Date.UTC(y, m + 1, 1) };
  }
  // ISO 8601: weeks start on Monday; week 1 is the one with the year's first Thursday.
  const weekday = (date.getUTCDay() + 6) % 7;
  const start = Date.UTC(y, m, d - weekday);
  const thursday = new Date(start + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS)) + 1;
  return { key: `${isoYear}-W${String(week).padStart(2, '0')}`, start, end: start + 7 * DAY_MS };
}

const ZERO = '0x0000000000000000000000000000000000000000';

/** Who pays node rewards, as the token file says: addresses labelled rewards, and the zero address's mints from `since`. */
export interface RewardPayers {
  /** Lower-case addresses labelled rewards, the zero address left out. */
  payers: string[];
  /** Mints from this block on are rewards too; null when the zero address is not labelled rewards with `since`. */
  mintsSince: number | null;
}

export function rewardPayers(
  labels: Readonly<Record<string, { kind: LabelKind; since?: number | undefined }>>,
): RewardPayers {
  const payers: string[] = [];
  let mintsSince: number | null = null;
  for (const [address, label] of Object.entries(labels)) {
    if (label.kind !== 'rewards') continue;
    if (BigInt(address) === 0n) mintsSince = label.since ?? null;
    else payers.push(address.toLowerCase());
  }
  return { payers, mintsSince };
}

/**
 * Whether a transfer is a reward payment: from a payer (or a mint from `since` on) to anyone but another reward
 * payer or the zero address (moving the budget between contracts pays no one).
 */
export function isRewardPayment(
  t: { from: string; to: string; block: number },
  { payers, mintsSince }: RewardPayers,
  labels: ReadonlyMap<string, LabelKind>,
): boolean {
  const paid = t.from === ZERO ? mintsSince !== null && t.block >= mintsSince : payers.includes(t.from);
  return paid && t.to !== ZERO && labels.get(t.to) !== 'rewards';
}

export interface RewardPayment {
  /** Lower-case recipient. */
  to: string;
  amount: bigint;
  /** Block time, ms. */
  time: number;
  /** (block, log index) order: "oldest first" means by this. */
  order: number;
}

export interface PeriodRewards extends Period {
  /** The period has not ended yet: its figures will still grow. */
  incomplete: boolean;
  paid: bigint;
  recipients: number;
  /** The ten largest recipients' share of the period's rewards. */
  top10Share: number;
  /** Across recipients, by what each received in the period. */
  gini: number;
  /** The middle recipient's rewards in the period (the lower of the two middle ones for an even count). */
  median: bigint;
  /** Recipients who received less than the floor, scaled to the period's length. */
  belowFloor: number;
  /** The floor for this period: `floorPerWeek` × days ÷ 7. */
  floor: bigint;
}

/**
 * Per period, oldest first: tokens paid, recipients, concentration, the median reward and how many got less
 * than `floorPerWeek` scaled to the period (the publisher's assumption of what running a node costs).
 */
export function rewardsByPeriod(
  payments: readonly RewardPayment[],
  period: RewardPeriod,
  floorPerWeek: bigint,
  now: number,
): PeriodRewards[] {
  const byPeriod = new Map<string, { period: Period; received: Map<string, bigint> }>();
  for (const p of payments) addPayment(byPeriod, p, period);
  return [...byPeriod.values()]
    .sort((a, b) => a.period.start - b.period.start)
    .map(({ period: at, received }) => periodStats(at, received.values(), floorPerWeek, now));
}

/** Adds a payment to what its recipient received in its period. */
export function addPayment(
  byPeriod: Map<string, { period: Period; received: Map<string, bigint> }>,
  p: RewardPayment,
  period: RewardPeriod,
): void {
  if (p.amount <= 0n) return;
  const at = periodOf(p.time, period);
  let entry = byPeriod.get(at.key);
  if (!entry) byPeriod.set(at.key, (entry = { period: at, received: new Map() }));
  entry.received.set(p.to, (entry.received.get(p.to) ?? 0n) + p.amount);
}

/** One period's figures from what each recipient received in it. */
export function periodStats(at: Period, received: Iterable<bigint>, floorPerWeek: bigint, now: number): PeriodRewards {
  const amounts = [...received].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const paid = amounts.reduce((sum, a) => sum + a, 0n);
  // The site's one Gini (chain/metrics.ts); float64 keeps any two amounts' ratio to 16 digits.
  const metrics = distributionMetrics(amounts.map(Number), { whale: 100, dolphin: 100, fish: 100 });
  const days = BigInt(Math.round((at.end - at.start) / DAY_MS));
  const floor = (floorPerWeek * days) / 7n;
  return {
    ...at,
    incomplete: at.end > now,
    paid,
    recipients: amounts.length,
    top10Share: topTenShare(amounts, paid),
    gini: metrics.gini,
    median: amounts[Math.floor((amounts.length - 1) / 2)] ?? 0n,
    belowFloor: amounts.filter((a) => a < floor).length,
    floor,
  };
}

/** What the ten largest amounts (of amounts sorted ascending) are of the total; 0 when nothing was paid. */
export function topTenShare(ascending: readonly bigint[], total: bigint): number {
  if (total === 0n) return 0;
  const top = ascending.slice(-10).reduce((sum, a) => sum + a, 0n);
  return Number((top * 1_000_000_000n) / total) / 1e9;
}

export interface Outflow {
  /** Lower-case sender: a reward recipient. */
  from: string;
  amount: bigint;
  time: number;
  order: number;
}

export interface PeriodToExchange {
  key: string;
  /** Rewards of the period matched to a transfer to an exchange within the window, base units. */
  reached: bigint;
  /** Rewards of the period whose window has fully passed: what `reached` is a share of. */
  known: bigint;
  /** Rewards paid less than the window ago: not yet known, never counted as kept. */
  pending: bigint;
  /** reached ÷ known, or null while nothing is known. */
  share: number | null;
}

/**
 * What recipients did with their rewards: the share of each period's rewards that reached an exchange within
 * `windowDays` of payment. Only a recipient's own direct transfers to an exchange count, matched against its
 * rewards oldest first, and never beyond what it received (a recipient's other tokens sold first are not
 * told apart: the page states this assumption). Payments younger than the window are pending.
 */
export function rewardsToExchange(
  payments: readonly RewardPayment[],
  toExchange: readonly Outflow[],
  period: RewardPeriod,
  windowDays: number,
  now: number,
): PeriodToExchange[] {
  return reachedByPeriod(matchRewards(payments, toExchange, windowDays), period, windowDays, now);
}

/** A reward and how much of it reached an exchange within the window. */
export interface MatchedReward {
  payment: RewardPayment;
  reached: bigint;
}

/**
 * Each reward matched against its recipient's transfers to an exchange within `windowDays` (see
 * rewardsToExchange): independent of the period kind, so it is done once a window and then grouped by each.
 */
export function matchRewards(
  payments: readonly RewardPayment[],
  toExchange: readonly Outflow[],
  windowDays: number,
): MatchedReward[] {
  const queues: RewardQueues = new Map();
  enqueueRewards(queues, payments);
  matchQueues(queues, toExchange, windowDays);
  return [...queues.values()].flatMap((queue) => queue.map(({ payment, reached }) => ({ payment, reached })));
}

/** A reward waiting to be matched: what of it is still unmatched, and what reached an exchange so far. */
export interface QueuedReward {
  payment: RewardPayment;
  left: bigint;
  reached: bigint;
}

/** Each recipient's rewards, oldest first. */
export type RewardQueues = Map<string, QueuedReward[]>;

/** Adds payments to their recipients' queues; they must come after every payment already queued. */
export function enqueueRewards(queues: RewardQueues, payments: readonly RewardPayment[]): void {
  for (const payment of [...payments].sort((a, b) => a.order - b.order)) {
    if (payment.amount <= 0n) continue;
    let queue = queues.get(payment.to);
    if (!queue) queues.set(payment.to, (queue = []));
    queue.push({ payment, left: payment.amount, reached: 0n });
  }
}

/**
 * Matches transfers to an exchange against their senders' queued rewards, oldest first, within `windowDays`
 * of payment. The transfers must come after every one matched before.
 */
export function matchQueues(queues: RewardQueues, toExchange: readonly Outflow[], windowDays: number): void {
  const window = windowDays * DAY_MS;
  // Where each recipient's unmatched rewards start: sales come in order, so what one cannot use (spent, or
  // older than the window) no later one can, and each reward is passed over once.
  const firstOpen = new Map<string, number>();
  for (const out of [...toExchange].sort((a, b) => a.order - b.order)) {
    const queue = queues.get(out.from);
    if (!queue) continue;
    let start = firstOpen.get(out.from) ?? 0;
    for (let e = queue[start]; e && (e.left === 0n || out.time - e.payment.time > window); e = queue[++start]);
    firstOpen.set(out.from, start);
    let amount = out.amount;
    for (let i = start; i < queue.length && amount > 0n; i++) {
      const entry = queue[i];
      // Only rewards paid before this transfer can have reached it.
      if (!entry || entry.payment.order >= out.order) break;
      const taken = entry.left < amount ? entry.left : amount;
      entry.left -= taken;
      entry.reached += taken;
      amount -= taken;
    }
  }
}

/** Matched rewards by period: reached and known for payments older than the window at `now`, the rest pending. */
export function reachedByPeriod(
  matched: readonly MatchedReward[],
  period: RewardPeriod,
  windowDays: number,
  now: number,
): PeriodToExchange[] {
  const window = windowDays * DAY_MS;
  const byPeriod = new Map<string, PeriodToExchange>();
  const starts = new Map<string, number>();
  for (const { payment, reached } of matched) {
    const at = periodOf(payment.time, period);
    let entry = byPeriod.get(at.key);
    if (!entry) {
      byPeriod.set(at.key, (entry = { key: at.key, reached: 0n, known: 0n, pending: 0n, share: null }));
      starts.set(at.key, at.start);
    }
    if (now - payment.time < window) entry.pending += payment.amount;
    else {
      entry.known += payment.amount;
      entry.reached += reached;
    }
  }
  return [...byPeriod.values()]
    .sort((a, b) => (starts.get(a.key) ?? 0) - (starts.get(b.key) ?? 0))
    .map((entry) => ({
      ...entry,
      share: entry.known > 0n ? Number((entry.reached * 1_000_000_000n) / entry.known) / 1e9 : null,
    }));
}
