import { leadingIds } from '../polls/tally.ts';
import { percentagesOfWeights } from './shares.ts';

/**
 * The fifth tally of a token poll, one owner one vote (issue 40), pure. Each owner with verified ballots counts
 * once, split equally among its wallets' ballots: three wallets voting A, A, B count 2/3 A and 1/3 B; in a
 * multiple-choice poll each option a ballot chose gets that ballot's share, as the wallet tally counts them. A
 * wallet in no entity is its own owner.
 *
 * What is kept with the votes is small and exact: per owner, its voting wallets and how many of their ballots
 * chose each option (`OwnerCount`); added up over owners, per number of wallets n, how many owners have n and how
 * many of their ballots chose each option (`OwnerBuckets`). The tally is then exact fractions over one common
 * denominator (the least common multiple of the n present), so a tie is a tie.
 */

/** One owner's verified ballots in a poll, as kept with the votes. */
export interface OwnerCount {
  /** Its wallets with a verified ballot. */
  wallets: number;
  /** Option id → how many of those ballots chose it. */
  chose: Readonly<Record<string, number>>;
}

/** Owners added up by how many wallets they voted with. */
export type OwnerBuckets = ReadonlyMap<number, { owners: number; chose: ReadonlyMap<string, number> }>;

/** The owners' counts added up, by their number of wallets. */
export function ownerBuckets(counts: Iterable<OwnerCount>): OwnerBuckets {
  const buckets = new Map<number, { owners: number; chose: Map<string, number> }>();
  for (const { wallets, chose } of counts) {
    if (wallets <= 0) continue;
    let bucket = buckets.get(wallets);
    if (!bucket) buckets.set(wallets, (bucket = { owners: 0, chose: new Map() }));
    bucket.owners++;
    for (const [option, n] of Object.entries(chose)) bucket.chose.set(option, (bucket.chose.get(option) ?? 0) + n);
  }
  return buckets;
}

/** The owners' counts from their wallets' ballots: owner → each ballot's chosen options. */
export function ownerCounts(
  ballots: Iterable<{ owner: string; optionIds: readonly string[] }>,
): Map<string, OwnerCount> {
  const counts = new Map<string, { wallets: number; chose: Record<string, number> }>();
  for (const { owner, optionIds } of ballots) {
    let count = counts.get(owner);
    if (!count) counts.set(owner, (count = { wallets: 0, chose: {} }));
    count.wallets++;
    for (const id of new Set(optionIds)) count.chose[id] = (count.chose[id] ?? 0) + 1;
  }
  return counts;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

export interface OwnerTally {
  /** Owners with a verified ballot, and their ballots. */
  owners: number;
  ballots: number;
  /** The most ballots one owner cast. */
  largest: number;
  /** Ballots of owners who voted with more than one wallet. */
  fromMultiWalletOwners: number;
  /** Every option's value is numerator ÷ denominator, exactly; both decimal strings. */
  denominator: string;
  options: { id: string; numerator: string; votes: number; percent: number }[];
  /** Every option with the greatest exact value; empty when nothing was counted. */
  leader: string[];
}

/** Hundredths of numerator ÷ denominator, rounded half up, exactly. */
function hundredths(numerator: bigint, denominator: bigint): number {
  return Number((numerator * 200n + denominator) / (2n * denominator)) / 100;
}

/**
 * One owner, one vote, from the buckets: an option's value is Σ over n of (ballots of n-wallet owners that chose it)
 * ÷ n. Counts to two decimals, percentages of the option values by largest remainder (as the weighted tallies).
 * @example ownerTally(['a', 'b'], ownerBuckets([{ wallets: 3, chose: { a: 2, b: 1 } }])).options.map((o) => o.votes) // [0.67, 0.33]
 */
export function ownerTally(optionIds: readonly string[], buckets: OwnerBuckets): OwnerTally {
  let denominator = 1n;
  let owners = 0;
  let ballots = 0;
  let largest = 0;
  let fromMultiWalletOwners = 0;
  for (const [n, bucket] of buckets) {
    if (bucket.owners === 0) continue;
    const size = BigInt(n);
    denominator = (denominator * size) / gcd(denominator, size);
    owners += bucket.owners;
    ballots += n * bucket.owners;
    largest = Math.max(largest, n);
    if (n > 1) fromMultiWalletOwners += n * bucket.owners;
  }
  const numerators = optionIds.map((id) => {
    let sum = 0n;
    for (const [n, bucket] of buckets) sum += BigInt(bucket.chose.get(id) ?? 0) * (denominator / BigInt(n));
    return sum;
  });
  const percent = percentagesOfWeights(numerators);
  return {
    owners,
    ballots,
    largest,
    fromMultiWalletOwners,
    denominator: denominator.toString(),
    options: optionIds.map((id, i) => ({
      id,
      numerator: (numerators[i] ?? 0n).toString(),
      votes: hundredths(numerators[i] ?? 0n, denominator),
      percent: percent[i] ?? 0,
    })),
    leader: owners === 0 ? [] : leadingIds(optionIds, numerators),
  };
}
