import { COHORTS, cohortOf, type Cohort, type CohortThresholds } from '../chain/metrics.ts';
import { LABEL_ROLES, countsIn, type Scope } from '../chain/scopes.ts';
import type { LabelKind } from '../chain/schemas.ts';

/**
 * Who accumulates: the net flow of tokens into each group of holders between two snapshots, and the
 * transfers between groups, with every address's group fixed at the earlier snapshot. Pure.
 *
 * Fixing the group at the earlier snapshot is what makes the figure honest: a wallet that grows into a
 * whale during the span is counted where it started, so whales cannot look as if they accumulated by the
 * mere promotion of a buyer. Addresses the earlier snapshot does not have are "new" (a whale's fresh
 * wallets land there, never among the shrimp); addresses the scope leaves out are "outside"; tokens
 * created and destroyed are rows of their own. Every transfer leaves one row and enters one, so the rows'
 * net changes sum to zero: nothing is lost or made up in the accounting.
 */

/**
 * Label kinds that hold for many people: each is a group of its own when the scope has it. An address labelled
 * burn holds for nobody: what it receives is "burned".
 */
const CUSTODIAL = (Object.keys(LABEL_ROLES) as LabelKind[]).filter(
  (kind): kind is Exclude<LabelKind, 'burn'> => LABEL_ROLES[kind] === 'custodian' && kind !== 'burn',
);

export const FLOW_GROUPS = [...COHORTS, 'insiders', ...CUSTODIAL, 'new', 'outside', 'minted', 'burned'] as const;
export type FlowGroup = (typeof FLOW_GROUPS)[number];

export const ZERO = '0x0000000000000000000000000000000000000000';
export const DEAD = '0x000000000000000000000000000000000000dead';

export interface FlowTransfer {
  /** Lower-case addresses. */
  from: string;
  to: string;
  amount: bigint;
}

export interface GroupingInput {
  /** Every holder's balance at the earlier snapshot, by lower-case address. */
  earlier: ReadonlyMap<string, bigint>;
  /** The token's label kinds by lower-case address. */
  labels: ReadonlyMap<string, LabelKind>;
  thresholds: CohortThresholds;
  scope: Scope;
  /**
   * The scope's supply at the earlier snapshot, when `earlier` holds only the addresses asked about (figure 4
   * looks up a few counterparties per snapshot); else it is summed from `earlier`.
   */
  supply?: bigint;
}

/**
 * Each address's group as the earlier snapshot has it. The cohorts are by share of the supply held in the
 * scope at that snapshot, as the token page's cohorts are.
 */
export function groupOf(input: GroupingInput): (address: string) => FlowGroup {
  const { earlier, labels, thresholds, scope } = input;
  const inScope = (address: string): boolean => countsIn(scope, labels.get(address));
  const supply = input.supply ?? scopeSupply(input);
  const known = new Map<string, FlowGroup>();
  return (address) => {
    const found = known.get(address);
    if (found) return found;
    const group = classify(address);
    known.set(address, group);
    return group;
  };

  function classify(address: string): FlowGroup {
    if (address === ZERO) return 'minted';
    const kind = labels.get(address);
    if (address === DEAD || kind === 'burn') return 'burned';
    if (!inScope(address)) return 'outside';
    if (kind !== undefined) return LABEL_ROLES[kind] === 'insider' ? 'insiders' : kind;
    const balance = earlier.get(address) ?? 0n;
    if (balance <= 0n) return 'new';
    return cohortOf(supply > 0n ? ratio(balance, supply) : 0, thresholds) satisfies Cohort;
  }
}

/** Tokens held in the scope at the earlier snapshot (the burn sink holds none): what the shares are of. */
export function scopeSupply({ earlier, labels, scope }: Omit<GroupingInput, 'thresholds'>): bigint {
  let supply = 0n;
  for (const [address, balance] of earlier) {
    if (balance > 0n && address !== DEAD && address !== ZERO && countsIn(scope, labels.get(address))) supply += balance;
  }
  return supply;
}

/** a ÷ b as a float without losing the small end of large base-unit amounts. */
function ratio(a: bigint, b: bigint): number {
  const SCALE = 10n ** 12n;
  return Number((a * SCALE) / b) / Number(SCALE);
}

export interface GroupFlows {
  /** Net tokens into each group (negative: out), base units. Sums to zero over the groups. */
  net: Map<FlowGroup, bigint>;
  /** Tokens moved from one group to another (a group to itself included), base units. */
  matrix: Map<FlowGroup, Map<FlowGroup, bigint>>;
  /** Distinct addresses of each group that sent or received in the span. */
  addresses: Map<FlowGroup, number>;
  /** Transfers counted. */
  transfers: number;
}

/**
 * The transfers of a span accounted by group. Burns are transfers to the zero address (or to 0x…dead, or
 * to an address labelled burn); mints come from the zero address.
 */
export function groupFlows(transfers: Iterable<FlowTransfer>, group: (address: string) => FlowGroup): GroupFlows {
  const net = new Map<FlowGroup, bigint>();
  const matrix = new Map<FlowGroup, Map<FlowGroup, bigint>>();
  const seen = new Map<FlowGroup, Set<string>>();
  let count = 0;
  const touch = (g: FlowGroup, address: string): void => {
    let set = seen.get(g);
    if (!set) seen.set(g, (set = new Set()));
    set.add(address);
  };
  for (const t of transfers) {
    if (t.amount === 0n) continue;
    count++;
    const from = group(t.from);
    const to = group(t.to);
    net.set(from, (net.get(from) ?? 0n) - t.amount);
    net.set(to, (net.get(to) ?? 0n) + t.amount);
    let row = matrix.get(from);
    if (!row) matrix.set(from, (row = new Map()));
    row.set(to, (row.get(to) ?? 0n) + t.amount);
    if (from !== 'minted') touch(from, t.from);
    if (to !== 'burned' || t.to !== ZERO) touch(to, t.to);
  }
  return { net, matrix, addresses: new Map([...seen].map(([g, set]) => [g, set.size])), transfers: count };
}

/**
 * Without transfers (a token known only from CSV snapshots): each group's net balance change between the
 * snapshots, groups fixed at the earlier one. This is a net change, not a flow: it cannot say who sent what
 * to whom. What the holders' sums cannot account for (tokens minted, burned, or held by addresses neither
 * snapshot lists) is the `unaccounted` row, so the rows still sum to zero.
 */
export function groupNetChanges(
  later: ReadonlyMap<string, bigint>,
  input: GroupingInput,
): { net: Map<FlowGroup | 'unaccounted', bigint>; addresses: Map<FlowGroup, number> } {
  const group = groupOf(input);
  const net = new Map<FlowGroup | 'unaccounted', bigint>();
  const addresses = new Map<FlowGroup, number>();
  let total = 0n;
  for (const address of new Set([...input.earlier.keys(), ...later.keys()])) {
    const change = (later.get(address) ?? 0n) - (input.earlier.get(address) ?? 0n);
    if (change === 0n) continue;
    const g = group(address);
    net.set(g, (net.get(g) ?? 0n) + change);
    addresses.set(g, (addresses.get(g) ?? 0) + 1);
    total += change;
  }
  if (total !== 0n) net.set('unaccounted', -total);
  return { net, addresses };
}
