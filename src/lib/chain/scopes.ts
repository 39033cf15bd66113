import type { Holder } from './holders-csv.ts';
import { distributionMetrics, type CohortThresholds, type DistributionMetrics } from './metrics.ts';
import { LABEL_KINDS, type LabelKind, type TokenDefinition } from './schemas.ts';

/**
 * The three sets of holders every figure is measured over. Pure.
 *
 * - all: every holder (the mint and burn addresses in NON_HOLDERS never are);
 * - excludingLabelled ("without custodians"): without addresses that hold for
 *   many people (exchanges, pools, bridges, contracts) or for nobody (burn);
 * - circulating: also without insiders (team, vesting, treasury), the way
 *   Token Terminal leaves them out of circulating supply.
 *
 * The key `excludingLabelled` predates the circulating scope; it stays because
 * stored snapshots and the public API use it.
 */

export const SCOPES = ['all', 'excludingLabelled', 'circulating'] as const;
export type Scope = (typeof SCOPES)[number];

export type LabelRole = 'custodian' | 'insider';

/**
 * What each label kind is. A Record, so a new kind in LABEL_KINDS does not
 * compile until someone decides which scopes leave it out.
 */
export const LABEL_ROLES: Readonly<Record<LabelKind, LabelRole>> = {
  exchange: 'custodian',
  lp: 'custodian',
  bridge: 'custodian',
  contract: 'custodian',
  // A reward distributor holds tokens for the operators it pays: as a contract does, in every figure.
  rewards: 'custodian',
  burn: 'custodian',
  team: 'insider',
  vesting: 'insider',
  treasury: 'insider',
};

const ROLES_LEFT_OUT: Readonly<Record<Scope, readonly LabelRole[]>> = {
  all: [],
  excludingLabelled: ['custodian'],
  circulating: ['custodian', 'insider'],
};

/** The label kinds each scope leaves out, in LABEL_KINDS order. */
export const SCOPE_EXCLUDES: Readonly<Record<Scope, readonly LabelKind[]>> = Object.fromEntries(
  SCOPES.map((scope) => [scope, LABEL_KINDS.filter((kind) => ROLES_LEFT_OUT[scope].includes(LABEL_ROLES[kind]))]),
) as Record<Scope, LabelKind[]>;

export const SCOPE_NAMES: Readonly<Record<Scope, string>> = {
  all: 'All holders',
  excludingLabelled: 'Without custodians',
  circulating: 'Circulating',
};

const kindList = (role: LabelRole): string => {
  const kinds = LABEL_KINDS.filter((k) => LABEL_ROLES[k] === role).map((k) => (k === 'lp' ? 'lp (liquidity pool)' : k));
  return `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1) ?? ''}`;
};

/** One sentence per scope saying exactly what it leaves out, built from LABEL_ROLES so it cannot drift. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  all: 'Every address with a balance; the zero address and 0x…dead, where tokens are minted from and burned into, are never holders.',
  excludingLabelled: `Leaves out addresses labelled ${kindList('custodian')}: they hold for many people, or for nobody.`,
  circulating: `Also leaves out insiders, addresses labelled ${kindList('insider')}: circulating supply as Token Terminal counts it.`,
};

export function isScope(name: string | null | undefined): name is Scope {
  return (SCOPES as readonly string[]).includes(name ?? '');
}

/** Whether a holder with this label kind (null: unlabelled) counts in `scope`. */
export function countsIn(scope: Scope, kind: LabelKind | null | undefined): boolean {
  return kind === null || kind === undefined || !SCOPE_EXCLUDES[scope].includes(kind);
}

/** A token's label kinds by lower-case address. */
export function labelKinds(labels: TokenDefinition['labels']): Map<string, LabelKind> {
  return new Map(Object.entries(labels).map(([address, label]) => [address.toLowerCase(), label.kind]));
}

/** Every holder's balance as a number, in holder order: converted from bigint once, for all scopes. */
export function balanceValues(holders: readonly Holder[]): Float64Array {
  const values = new Float64Array(holders.length);
  holders.forEach((holder, i) => (values[i] = Number(holder.balance)));
  return values;
}

/** The labelled holders, by position: the only ones a scope may leave out (a handful, among any number). */
export function labelledHolders(
  holders: readonly Holder[],
  kinds: ReadonlyMap<string, LabelKind>,
): { index: number; kind: LabelKind }[] {
  const found: { index: number; kind: LabelKind }[] = [];
  holders.forEach((holder, index) => {
    const kind = kinds.get(holder.address);
    if (kind !== undefined) found.push({ index, kind });
  });
  return found;
}

/**
 * The balances `scope` counts: `all` with the holders it leaves out set to
 * 0, which the metrics skip like any empty address. Written into `into`, so
 * one scratch array serves every scope of a million-holder snapshot.
 */
export function scopeValues(
  all: Float64Array,
  labelled: readonly { index: number; kind: LabelKind }[],
  scope: Scope,
  into: Float64Array = new Float64Array(all.length),
): Float64Array {
  into.set(all);
  for (const { index, kind } of labelled) if (!countsIn(scope, kind)) into[index] = 0;
  return into;
}

/**
 * All metrics of one scope.
 * @example scopeMetrics(holders, token, 'circulating').holderCount // holders without custodians or insiders
 */
export function scopeMetrics(
  holders: readonly Holder[],
  token: { labels: TokenDefinition['labels']; cohorts: CohortThresholds },
  scope: Scope,
): DistributionMetrics {
  const all = balanceValues(holders);
  return distributionMetrics(
    scopeValues(all, labelledHolders(holders, labelKinds(token.labels)), scope),
    token.cohorts,
  );
}
