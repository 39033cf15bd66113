/**
 * Which cohort a voter's wallet falls in, and what its ballot weighs. Pure:
 * balances in base units and the token's thresholds in, cohort and weights out.
 */
import { COHORT_IDS, type CohortId, type LabelKind } from '../../../db/vocabulary.ts';
import type { CohortThresholds } from '../chain/metrics.ts';

// Ballots are stored with their cohort, so the list of ids is the database's (db/vocabulary.ts).
export { COHORT_IDS, type CohortId, type LabelKind } from '../../../db/vocabulary.ts';

export type VerifiedCohortId = Exclude<CohortId, 'unverified'>;

/** Every cohort a wallet stands behind: all but cookie ballots. */
export const VERIFIED_COHORTS: readonly VerifiedCohortId[] = COHORT_IDS.filter(
  (c): c is VerifiedCohortId => c !== 'unverified',
);

export function isVerifiedCohort(cohort: CohortId): cohort is VerifiedCohortId {
  return cohort !== 'unverified';
}

export const COHORT_LABELS: Readonly<Record<CohortId, string>> = {
  whale: 'Whales',
  dolphin: 'Dolphins',
  fish: 'Fish',
  shrimp: 'Shrimp',
  insiders: 'Insiders',
  none: 'Holds none',
  unverified: 'Not verified',
};

/**
 * What a label makes of a wallet. Custodial and programmatic addresses
 * (exchanges, pools, bridges, burn addresses, contracts, reward
 * distributors) hold other people's tokens or nobody's, so their balance
 * speaks for no one: no cohort, no weight. Team, vesting and treasury wallets are people with a stake in the
 * outcome: a cohort of their own, weight kept. A Record, so a new label kind
 * cannot be added without deciding here.
 */
const LABEL_COHORT: Readonly<Record<LabelKind, 'none' | 'insiders'>> = {
  exchange: 'none',
  lp: 'none',
  bridge: 'none',
  burn: 'none',
  contract: 'none',
  rewards: 'none',
  team: 'insiders',
  vesting: 'insiders',
  treasury: 'insiders',
};

/** Whether a label kind's balance is someone else's (weight 0). */
export function isCustodial(labelKind: LabelKind | null): boolean {
  return labelKind !== null && LABEL_COHORT[labelKind] === 'none';
}

/** An exact non-negative rational numerator/denominator. */
interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

/**
 * The exact rational a JS number's shortest decimal spells: 0.1 is 1/10, not
 * the binary double nearest it, so a holder at exactly 0.1% is a whale.
 *
 * @example decimalRatio(2.5e-7) // { numerator: 25n, denominator: 100000000n }
 */
export function decimalRatio(n: number): Ratio {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(n));
  if (!Number.isFinite(n) || n < 0 || match === null) {
    throw new RangeError(`a threshold must be a finite non-negative number, not ${n}`);
  }
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const shift = Number(exponent) - fraction.length;
  const digits = BigInt(whole + fraction);
  return shift >= 0
    ? { numerator: digits * 10n ** BigInt(shift), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-shift) };
}

export interface CohortUnits {
  whale: bigint;
  dolphin: bigint;
  fish: bigint;
}

/**
 * The smallest balance, in base units, that reaches each threshold (percent of
 * `supply`): ceil(supply·pct/100), exact. Compute once per snapshot, then
 * `cohortFromUnits` per holder.
 *
 * @example cohortThresholdUnits(1_000_000n, { whale: 0.1, dolphin: 0.01, fish: 0.001 })
 * // { whale: 1000n, dolphin: 100n, fish: 10n }
 */
export function cohortThresholdUnits(supply: bigint, thresholds: CohortThresholds): CohortUnits {
  const units = (pct: number): bigint => {
    const { numerator, denominator } = decimalRatio(pct);
    const scaled = denominator * 100n;
    // Ceiling division: a balance b reaches the threshold iff b·scaled >= numerator·supply.
    return (numerator * supply + scaled - 1n) / scaled;
  };
  return { whale: units(thresholds.whale), dolphin: units(thresholds.dolphin), fish: units(thresholds.fish) };
}

/** A verified wallet's cohort from precomputed threshold units; see `holderCohort`. */
export function cohortFromUnits(balance: bigint, units: CohortUnits, labelKind: LabelKind | null): CohortId {
  // The label says who the wallet is whatever it holds today, so it comes first.
  if (labelKind !== null) return LABEL_COHORT[labelKind];
  if (balance <= 0n) return 'none';
  if (balance >= units.whale) return 'whale';
  if (balance >= units.dolphin) return 'dolphin';
  if (balance >= units.fish) return 'fish';
  return 'shrimp';
}

/**
 * A verified wallet's cohort: its label's if it has one, 'none' if it holds
 * nothing, else the first cohort whose threshold (percent of `supply`, the sum
 * of the snapshot's balances) its balance reaches, compared exactly.
 *
 * @example holderCohort(1000n, 1_000_000n, { whale: 0.1, dolphin: 0.01, fish: 0.001 }, null) // 'whale'
 * @example holderCohort(999n, 1_000_000n, { whale: 0.1, dolphin: 0.01, fish: 0.001 }, null) // 'dolphin'
 * @example holderCohort(10n ** 24n, 10n ** 25n, { whale: 0.1, dolphin: 0.01, fish: 0.001 }, 'exchange') // 'none'
 */
export function holderCohort(
  balance: bigint,
  supply: bigint,
  thresholds: CohortThresholds,
  labelKind: LabelKind | null,
): CohortId {
  return cohortFromUnits(balance, cohortThresholdUnits(supply, thresholds), labelKind);
}

/** A ballot's cohort: 'unverified' without a wallet (a cookie ballot), else the wallet's. */
export function ballotCohort(
  wallet: { balance: bigint; labelKind: LabelKind | null } | null,
  supply: bigint,
  thresholds: CohortThresholds,
): CohortId {
  return wallet === null ? 'unverified' : holderCohort(wallet.balance, supply, thresholds, wallet.labelKind);
}

/**
 * A verified ballot's token weight in base units: the balance, or 0 for a
 * custodial wallet. Insiders keep theirs.
 */
export function ballotWeight(balance: bigint, labelKind: LabelKind | null): bigint {
  return isCustodial(labelKind) || balance < 0n ? 0n : balance;
}

/**
 * A verified ballot's square-root weight: √(balance / 10^decimals) in whole
 * tokens, 0 for a custodial wallet. The quotient is parsed from its decimal
 * form, so it is rounded once, to the nearest double, however many digits the
 * balance has; Math.sqrt then rounds once more.
 *
 * @example sqrtWeight(4n * 10n ** 18n, 18, null) // 2
 */
export function sqrtWeight(balance: bigint, decimals: number, labelKind: LabelKind | null): number {
  if (isCustodial(labelKind) || balance <= 0n) return 0;
  return Math.sqrt(Number(`${balance}e-${decimals}`));
}
