import type { EntityGroupingSummary } from '../../../db/json-columns.ts';
import type { LabelKind } from '../../../db/vocabulary.ts';
import { distributionMetrics, type CohortThresholds, type DistributionMetrics } from '../chain/metrics.ts';
import { countsIn, LABEL_ROLES, SCOPES, type Scope } from '../chain/scopes.ts';
import type { EntityEdge, FirstIn, Grouping } from './grouping.ts';

/**
 * A token's holders counted by owner, pure: each entity (grouping.ts) is one holder with its wallets' balances
 * added up; a wallet in no entity is its own owner. An entity holding a team, vesting or treasury wallet is an
 * insider as a whole, so the circulating scope leaves all its wallets out. Custodian wallets leave the scopes
 * that leave custodians out one by one, as they do counted by address.
 */

export interface OwnerHolder {
  address: string;
  balance: bigint;
}

export interface OwnerInput {
  holders: readonly OwnerHolder[];
  grouping: Grouping;
  labels: ReadonlyMap<string, LabelKind>;
  cohorts: CohortThresholds;
}

/** The owners the grouping makes that hold an insider wallet. */
export function insiderOwners(grouping: Grouping, labels: ReadonlyMap<string, LabelKind>): Set<string> {
  const insiders = new Set<string>();
  for (const entity of grouping.entities) {
    if (entity.wallets.some((w) => isInsider(labels.get(w)))) insiders.add(entity.wallets[0] ?? '');
  }
  return insiders;
}

const isInsider = (kind: LabelKind | undefined): boolean => kind !== undefined && LABEL_ROLES[kind] === 'insider';

/** Each owner's balance in `scope`, as numbers (metrics are ratios), and how many of its wallets hold there. */
export function ownerBalances(
  input: OwnerInput,
  scope: Scope,
  insiders: ReadonlySet<string> = insiderOwners(input.grouping, input.labels),
): Map<string, { value: number; wallets: number }> {
  const owners = new Map<string, { value: number; wallets: number }>();
  for (const { address, balance } of input.holders) {
    if (balance <= 0n || !countsIn(scope, input.labels.get(address))) continue;
    const owner = input.grouping.ownerOf.get(address) ?? address;
    if (scope === 'circulating' && insiders.has(owner)) continue;
    const held = owners.get(owner);
    if (held) {
      held.value += Number(balance);
      held.wallets++;
    } else owners.set(owner, { value: Number(balance), wallets: 1 });
  }
  return owners;
}

/** The figures counted by owner that a grouping's summary keeps: metrics and the ten largest owners, per scope. */
export function ownerFigures(
  input: OwnerInput,
): Pick<EntityGroupingSummary, 'metrics' | 'top10' | 'insiderWallets' | 'entities' | 'groupedWallets'> {
  const insiders = insiderOwners(input.grouping, input.labels);
  const metrics = {} as Record<Scope, DistributionMetrics>;
  const top10 = {} as EntityGroupingSummary['top10'];
  for (const scope of SCOPES) {
    const owners = ownerBalances(input, scope, insiders);
    metrics[scope] = distributionMetrics(
      Float64Array.from(owners.values(), (o) => o.value),
      input.cohorts,
    );
    const largest = [...owners]
      .sort(([a, x], [b, y]) => y.value - x.value || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, 10)
      .map(([, o]) => o);
    top10[scope] = {
      wallets: largest.reduce((sum, o) => sum + o.wallets, 0),
      multiWalletOwners: largest.filter((o) => o.wallets > 1).length,
    };
  }
  let insiderWallets = 0;
  let groupedWallets = 0;
  const holding = new Map<string, number>();
  for (const { address, balance } of input.holders) {
    if (balance <= 0n) continue;
    const owner = input.grouping.ownerOf.get(address);
    if (owner === undefined) continue;
    holding.set(owner, (holding.get(owner) ?? 0) + 1);
    const kind = input.labels.get(address);
    if (insiders.has(owner) && !isInsider(kind) && countsIn('excludingLabelled', kind)) insiderWallets++;
  }
  for (const wallets of holding.values()) if (wallets > 1) groupedWallets += wallets;
  return {
    metrics,
    top10,
    insiderWallets,
    entities: [...holding.values()].filter((n) => n > 1).length,
    groupedWallets,
  };
}

/** One row of the entity table, as stored. */
export interface EntityRow {
  /** The entity's name: its lowest address, as in `Grouping.ownerOf`. */
  owner: string;
  /** By balance at the snapshot, largest first. */
  wallets: string[];
  balance: bigint;
  insider: boolean;
  /** Where the first transfer into any of its wallets is. */
  firstSeen: { block: number; logIndex: number } | null;
  edges: EntityEdge[];
}

/** Every multi-wallet entity with its combined balance and when any of its wallets first received tokens. */
export function entityRows(
  grouping: Grouping,
  balances: ReadonlyMap<string, bigint>,
  labels: ReadonlyMap<string, LabelKind>,
  firstIn: ReadonlyMap<string, FirstIn>,
): EntityRow[] {
  return grouping.entities.map((entity) => {
    let balance = 0n;
    let firstSeen: EntityRow['firstSeen'] = null;
    for (const w of entity.wallets) {
      balance += balances.get(w) ?? 0n;
      const first = firstIn.get(w);
      if (
        first &&
        (firstSeen === null ||
          first.block < firstSeen.block ||
          (first.block === firstSeen.block && first.logIndex < firstSeen.logIndex))
      )
        firstSeen = { block: first.block, logIndex: first.logIndex };
    }
    // Largest first: the wallet a reader knows the owner by.
    const wallets = [...entity.wallets].sort((a, b) => {
      const [x, y] = [balances.get(a) ?? 0n, balances.get(b) ?? 0n];
      return x < y ? 1 : x > y ? -1 : a < b ? -1 : 1;
    });
    return {
      owner: entity.wallets[0] ?? '',
      wallets,
      balance,
      insider: entity.wallets.some((w) => isInsider(labels.get(w))),
      firstSeen,
      edges: entity.edges,
    };
  });
}
