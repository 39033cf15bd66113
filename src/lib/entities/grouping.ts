import type { EdgeEvidence, EntityEdge } from '../../../db/json-columns.ts';
import type { LabelKind } from '../../../db/vocabulary.ts';

export type { EdgeEvidence, EntityEdge } from '../../../db/json-columns.ts';

/**
 * Which wallets belong to one owner (issue 40), pure: explainable edges between two addresses drawn from a
 * token's own transfers, and the owners they make. Three rules, each with its evidence:
 * - funded by: B's first incoming transfer of the token came from A, and A was the first sender of at most
 *   `maxFanout` addresses in all (a wallet that seeds hundreds is a distributor or an airdrop, not one owner);
 * - swept to: A sent at least `sweepShare` of everything it ever sent to one address B, in two transfers or
 *   more, and at most `maxFanout` addresses sweep into B (a deposit contract many sweep into is no owner);
 * - named together: labels in the token file with the same `entity:` name.
 * No transfer edge touches the zero address, the burn address or an address labelled exchange, lp, bridge, burn,
 * contract or rewards: they join only by name, and no path runs through them. Owners are the connected
 * components of the edges; one larger than `maxEntitySize` is not merged (a mistake cannot swallow the token):
 * it is listed as a large cluster and each of its wallets is its own owner. "First" is by (block, log index).
 */

export interface EntityRules {
  maxFanout: number;
  /** 0..1, compared exactly against base-unit sums (to six decimals). */
  sweepShare: number;
  maxEntitySize: number;
}

export const DEFAULT_ENTITY_RULES: EntityRules = { maxFanout: 25, sweepShare: 0.9, maxEntitySize: 200 };

/** A token file's `entities:` over the defaults. */
export function entityRules(
  overrides: { [K in keyof EntityRules]?: EntityRules[K] | undefined } | undefined,
): EntityRules {
  return {
    ...DEFAULT_ENTITY_RULES,
    ...Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined)),
  };
}

/** The transfers a sweep's evidence keeps, its first by (block, log index). */
export const EVIDENCE_KEPT = 20;

export const ZERO = '0x0000000000000000000000000000000000000000';
const DEAD = '0x000000000000000000000000000000000000dead';
/** Label kinds that hold for many people or for no one: they take no transfer edge. */
const NO_EDGES: ReadonlySet<LabelKind> = new Set(['exchange', 'lp', 'bridge', 'burn', 'contract', 'rewards']);

export interface GroupingTransfer {
  block: number;
  logIndex: number;
  /** Left out where it is read later, for the evidence only: edges come with an empty hash to fill in. */
  txHash?: string;
  /** Lower-case addresses. */
  from: string;
  to: string;
  amount: bigint;
}

export interface EntityLabel {
  kind: LabelKind;
  /** Labels with the same name belong to one owner. */
  entity?: string | undefined;
}

/** Whether an address may take a transfer edge. */
function takesEdges(address: string, labels: ReadonlyMap<string, EntityLabel>): boolean {
  if (address === ZERO || address === DEAD) return false;
  const kind = labels.get(address)?.kind;
  return kind === undefined || !NO_EDGES.has(kind);
}

/** Six decimals of a share, as a fraction over a million: exact comparisons in base units. */
const MILLION = 1_000_000n;

/** The first transfer into an address: its funder, if it is one. */
export interface FirstIn {
  from: string;
  block: number;
  logIndex: number;
  txHash: string;
}

/**
 * The rules' edges from transfers fed in two parts, so a database can do the heavy part: every address's first
 * incoming transfer (`addFirst`, any order), and the sent transfers of every sender that may have swept (`addSent`,
 * every transfer of a sender together, in any order within). A sender left out must be one that cannot have sent
 * `sweepShare` of all it sent to one address in two transfers or more. `add` does both for one transfer: what
 * `entityEdges` does at once.
 */
export class EdgeCollector {
  private readonly firstIn = new Map<string, FirstIn>();
  private readonly sweeps: { from: string; to: string; evidence: EdgeEvidence[]; transfers: number }[] = [];
  private sender: string | null = null;
  private sent = 0n;
  private readonly toRecipient = new Map<string, { amount: bigint; evidence: EdgeEvidence[] }>();
  private readonly share: bigint;

  private readonly labels: ReadonlyMap<string, EntityLabel>;
  private readonly rules: EntityRules;

  constructor(labels: ReadonlyMap<string, EntityLabel>, rules: EntityRules = DEFAULT_ENTITY_RULES) {
    this.labels = labels;
    this.rules = rules;
    this.share = BigInt(Math.round(rules.sweepShare * 1_000_000));
  }

  add(t: GroupingTransfer): void {
    if (t.amount <= 0n) return;
    this.addFirst(t.to, { from: t.from, block: t.block, logIndex: t.logIndex, txHash: t.txHash ?? '' });
    this.addSent(t);
  }

  /** A transfer into `to` (of a positive amount): the first by (block, log index) is kept. */
  addFirst(to: string, t: FirstIn): void {
    const first = this.firstIn.get(to);
    if (!first || t.block < first.block || (t.block === first.block && t.logIndex < first.logIndex))
      this.firstIn.set(to, t);
  }

  /** A transfer of a sender that may have swept; all of its transfers come together. */
  addSent(t: GroupingTransfer): void {
    if (t.amount <= 0n || t.from === ZERO) return;
    if (t.from !== this.sender) this.closeSender(t.from);
    this.sent += t.amount;
    const pair = this.toRecipient.get(t.to);
    if (pair) {
      pair.amount += t.amount;
      pair.evidence.push(evidenceOf(t));
    } else this.toRecipient.set(t.to, { amount: t.amount, evidence: [evidenceOf(t)] });
  }

  /** The sender read so far is complete: its sweep, if it made one, is kept. */
  private closeSender(next: string | null): void {
    if (this.sender !== null) {
      for (const [to, pair] of this.toRecipient) {
        if (pair.evidence.length < 2 || to === this.sender) continue;
        if (pair.amount * MILLION >= this.share * this.sent)
          this.sweeps.push({
            from: this.sender,
            to,
            // A sweep of thousands of transfers is shown by its first few and its count: stored, served and
            // drawn in bounded size.
            evidence: sortEvidence(pair.evidence).slice(0, EVIDENCE_KEPT),
            transfers: pair.evidence.length,
          });
      }
    }
    this.sender = next;
    this.sent = 0n;
    this.toRecipient.clear();
  }

  /** Each address's first incoming transfer read. */
  firstTransfers(): ReadonlyMap<string, FirstIn> {
    return this.firstIn;
  }

  /** Every edge, once all transfers are in. */
  edges(): EntityEdge[] {
    this.closeSender(null);
    const { labels, rules } = this;
    const edges: EntityEdge[] = [];
    // Funded by: each address's first incoming transfer, and how many addresses each sender was first to.
    const firstTo = new Map<string, number>();
    for (const t of this.firstIn.values()) if (t.from !== ZERO) firstTo.set(t.from, (firstTo.get(t.from) ?? 0) + 1);
    for (const [to, t] of [...this.firstIn].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (t.from === ZERO || t.from === to || !takesEdges(t.from, labels) || !takesEdges(to, labels)) continue;
      if ((firstTo.get(t.from) ?? 0) > rules.maxFanout) continue;
      edges.push({ rule: 'funded', from: t.from, to, evidence: [evidenceOf(t)] });
    }
    // Swept to, unless more than maxFanout addresses sweep into the same one.
    const sweptInto = new Map<string, number>();
    for (const s of this.sweeps) sweptInto.set(s.to, (sweptInto.get(s.to) ?? 0) + 1);
    for (const s of this.sweeps) {
      if ((sweptInto.get(s.to) ?? 0) > rules.maxFanout) continue;
      if (!takesEdges(s.from, labels) || !takesEdges(s.to, labels)) continue;
      edges.push({ rule: 'swept', from: s.from, to: s.to, evidence: s.evidence, transfers: s.transfers });
    }
    // Named together: each named label joins the first address of its name.
    const named = new Map<string, string>();
    for (const [address, label] of [...labels].sort(([a], [b]) => a.localeCompare(b))) {
      if (!label.entity) continue;
      const first = named.get(label.entity);
      if (first === undefined) named.set(label.entity, address);
      else edges.push({ rule: 'named', from: first, to: address, name: label.entity });
    }
    return edges;
  }
}

const evidenceOf = (t: { block: number; logIndex: number; txHash?: string }): EdgeEvidence => ({
  block: t.block,
  logIndex: t.logIndex,
  txHash: t.txHash ?? '',
});

const sortEvidence = (list: EdgeEvidence[]): EdgeEvidence[] =>
  list.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);

/**
 * Below this share of a sender's total, counted in floating point, no pair can be a sweep: a sum of a million
 * doubles is off by far less than a millionth, so senders above it are a superset of those that swept, to be
 * checked exactly with `addSent`.
 */
export const sweepCandidateShare = (rules: EntityRules): number => rules.sweepShare - 1e-6;

/** Every edge the rules draw from the transfers (in any order) and the labels. */
export function entityEdges(
  transfers: readonly GroupingTransfer[],
  labels: ReadonlyMap<string, EntityLabel>,
  rules: EntityRules = DEFAULT_ENTITY_RULES,
): EntityEdge[] {
  const collector = new EdgeCollector(labels, rules);
  for (const t of [...transfers].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) collector.add(t);
  return collector.edges();
}

export interface Entity {
  /** Its wallets, sorted; the first names the entity. */
  wallets: string[];
  /** The edges that joined it. */
  edges: EntityEdge[];
}

export interface Grouping {
  /** Owners of two wallets or more, within the size cap, largest first. */
  entities: Entity[];
  /** Components over the cap: not merged, each wallet its own owner. */
  largeClusters: Entity[];
  /** Each grouped wallet's owner: the entity's first wallet. Wallets not in it are their own owners. */
  ownerOf: Map<string, string>;
}

/** The owners the edges make: connected components (direction is evidence only), capped in size. */
export function groupEntities(edges: readonly EntityEdge[], rules: EntityRules = DEFAULT_ENTITY_RULES): Grouping {
  const parent = new Map<string, string>();
  const find = (a: string): string => {
    let root = a;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) ?? root;
    // Path compression: every address on the way points at the root.
    let at = a;
    while (at !== root) {
      const next = parent.get(at) ?? root;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const e of edges) {
    for (const a of [e.from, e.to]) if (!parent.has(a)) parent.set(a, a);
    const [ra, rb] = [find(e.from), find(e.to)];
    // The smaller address becomes the root, so the result does not depend on the edges' order.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  }
  const members = new Map<string, string[]>();
  for (const a of parent.keys()) {
    const root = find(a);
    const list = members.get(root);
    if (list) list.push(a);
    else members.set(root, [a]);
  }
  const edgesOf = new Map<string, EntityEdge[]>();
  for (const e of edges) {
    const root = find(e.from);
    const list = edgesOf.get(root);
    if (list) list.push(e);
    else edgesOf.set(root, [e]);
  }
  const entities: Entity[] = [];
  const largeClusters: Entity[] = [];
  const ownerOf = new Map<string, string>();
  for (const [root, wallets] of members) {
    const entity = { wallets: wallets.sort(), edges: edgesOf.get(root) ?? [] };
    if (wallets.length > rules.maxEntitySize) {
      largeClusters.push(entity);
      continue;
    }
    entities.push(entity);
    for (const w of wallets) ownerOf.set(w, entity.wallets[0] ?? w);
  }
  const bySize = (a: Entity, b: Entity) =>
    b.wallets.length - a.wallets.length || (a.wallets[0] ?? '').localeCompare(b.wallets[0] ?? '');
  return { entities: entities.sort(bySize), largeClusters: largeClusters.sort(bySize), ownerOf };
}
