import type { EntityEdge, EntityGroupingSummary, SnapshotMetrics } from '../../../db/json-columns.ts';
import { shortAddress } from '../auth/siwe.ts';
import { formatPercent } from '../chain/format.ts';
import { cohortOf, type Cohort, type CohortThresholds } from '../chain/metrics.ts';
import { latestFigures, type TokenWords } from '../chain/presentation.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import { SCOPES, type Scope } from '../chain/scopes.ts';

/**
 * The token page's owners, pure: each address-level figure beside the same figure with each owner as one
 * holder, the difference said in words, the largest multi-wallet owners with why their wallets were grouped,
 * and the figures over time.
 */

export interface OwnerFigureRow {
  label: string;
  byAddress: Record<Scope, string | null>;
  byOwner: Record<Scope, string | null>;
}

/** Every row of the address-level figures table, with its value counted by owner beside it. */
export function ownerFigureRows(
  latest: { supply: string | bigint; metrics: SnapshotMetrics },
  summary: EntityGroupingSummary,
  token: Pick<TokenDefinition, 'decimals' | 'cohorts'>,
  words: TokenWords,
): OwnerFigureRow[] {
  const supply = String(latest.supply);
  const byAddress = latestFigures({ supply, metrics: latest.metrics }, token, words);
  const byOwner = latestFigures({ supply, metrics: summary.metrics }, token, words);
  return byAddress.map((row, n) => ({
    label: row.label,
    byAddress: row.values,
    byOwner: byOwner[n]?.values ?? row.values,
  }));
}

/** Per scope, what counting by owner changes about the top 10, in one sentence. */
export function ownerSentences(
  metrics: SnapshotMetrics,
  summary: EntityGroupingSummary,
  words: TokenWords,
): { scope: Scope; text: string }[] {
  return SCOPES.flatMap((scope) => {
    const address = metrics[scope];
    const owner = summary.metrics[scope];
    if (!address) return [];
    const top = summary.top10[scope];
    const same = Math.abs(owner.top10Share - address.top10Share) < 0.00005;
    const values = {
      scope: words.t(`owners.scopeOf.${scope}`),
      byOwner: formatPercent(owner.top10Share),
      byAddress: formatPercent(address.top10Share),
      wallets: words.number(top.wallets),
      owners: words.number(top.multiWalletOwners),
    };
    return [
      {
        scope,
        text:
          top.multiWalletOwners === 0
            ? words.t('owners.top10Alone', values)
            : same
              ? words.t('owners.top10Same', values)
              : words.t('owners.top10', values),
      },
    ];
  });
}

export interface EntityTableRow {
  owner: string;
  /** What a reader knows it by: the name the publisher gives it, else its largest wallet. */
  name: { kind: 'named'; text: string } | { kind: 'wallet'; address: string };
  wallets: number;
  balance: string;
  /** Of every holder's balance at the snapshot. */
  share: string;
  cohort: Cohort;
  insider: boolean;
  firstSeen: { block: number; date: string | null } | null;
  /** Why the wallets were grouped, one line an edge, the first few; `more` says how many are left out. */
  reasons: string[];
  more: number;
}

export const REASONS_SHOWN = 12;

/** One line of the "why grouped" list. */
export function describeEdge(edge: EntityEdge, words: TokenWords): string {
  const from = shortAddress(edge.from);
  const to = shortAddress(edge.to);
  if (edge.rule === 'named') return words.t('owners.reason.named', { from, to, name: edge.name });
  const blocks = edge.evidence.map((e) => words.number(e.block)).join(words.t('list.separator'));
  const tx = edge.evidence[0]?.txHash ? `${edge.evidence[0].txHash.slice(0, 10)}…` : '';
  return edge.rule === 'funded'
    ? words.t('owners.reason.funded', { from, to, block: blocks, tx })
    : words.plural('owners.reason.swept', edge.transfers, {
        from,
        to,
        blocks: edge.transfers > edge.evidence.length ? words.t('owners.firstBlocks', { blocks }) : blocks,
      });
}

/** The entity table's rows: combined balances as a share of every holder's, each owner's cohort as one holder. */
export function entityTable(
  rows: readonly {
    owner: string;
    wallets: readonly string[];
    balance: bigint;
    insider: boolean;
    firstSeenBlock: number | null;
    firstSeenTime: number | null;
    edges: readonly EntityEdge[];
  }[],
  supply: bigint,
  token: { decimals: number; cohorts: CohortThresholds },
  words: TokenWords,
): EntityTableRow[] {
  return rows.map((row) => {
    const share = supply === 0n ? 0 : Number((row.balance * 1_000_000n) / supply) / 1_000_000;
    const named = row.edges.find((e) => e.rule === 'named');
    return {
      owner: row.owner,
      name:
        named?.rule === 'named'
          ? { kind: 'named', text: named.name }
          : { kind: 'wallet', address: row.wallets[0] ?? row.owner },
      wallets: row.wallets.length,
      balance: words.number(Number(row.balance) / 10 ** token.decimals, { maximumFractionDigits: 2 }),
      share: formatPercent(share),
      cohort: cohortOf(share, token.cohorts),
      insider: row.insider,
      firstSeen:
        row.firstSeenBlock === null
          ? null
          : {
              block: row.firstSeenBlock,
              date: row.firstSeenTime === null ? null : words.date(new Date(row.firstSeenTime)),
            },
      reasons: row.edges.slice(0, REASONS_SHOWN).map((e) => describeEdge(e, words)),
      more: Math.max(0, row.edges.length - REASONS_SHOWN),
    };
  });
}

export interface OwnerHistoryRow {
  date: string;
  block: number;
  top10: { byAddress: string; byOwner: string };
  gini: { byAddress: string; byOwner: string };
  holders: { byAddress: string; byOwner: string };
}

/** The top 10's share, the Gini and the holder count by address and by owner at each grouped snapshot, in a scope. */
export function ownerHistory(
  snapshots: readonly { id: number; block: number; takenAt: number; metrics: SnapshotMetrics }[],
  groupings: readonly { snapshotId: number; summary: EntityGroupingSummary }[],
  scope: Scope,
  words: TokenWords,
): OwnerHistoryRow[] {
  const bySnapshot = new Map(groupings.map((g) => [g.snapshotId, g.summary]));
  return snapshots.flatMap((s) => {
    const summary = bySnapshot.get(s.id);
    const address = s.metrics[scope];
    if (!summary || !address) return [];
    const owner = summary.metrics[scope];
    return [
      {
        date: words.date(new Date(s.takenAt)),
        block: s.block,
        top10: { byAddress: formatPercent(address.top10Share), byOwner: formatPercent(owner.top10Share) },
        gini: { byAddress: address.gini.toFixed(3), byOwner: owner.gini.toFixed(3) },
        holders: { byAddress: words.number(address.holderCount), byOwner: words.number(owner.holderCount) },
      },
    ];
  });
}

/** What the grouping assumes, for the API (the page says the same in its language). */
export const OWNER_ASSUMPTIONS = [
  'Edges come only from this token’s transfers kept up to the snapshot’s block (source.fromBlock to source.toBlock), and from labels the publisher names together (entity:).',
  'Funded by: a wallet’s first incoming transfer came from another wallet that was the first sender of at most maxFanout addresses. Swept to: a wallet sent at least sweepShare of all it ever sent to one address, in two transfers or more, and at most maxFanout addresses did so into it.',
  'No transfer edge touches the zero or burn address or an address labelled exchange, lp, bridge, burn, contract or rewards.',
  'The chain is not asked which addresses are contracts, and funding in the native coin (gas) is not seen: a grouping is a lower bound on what one owner holds.',
  'A group larger than maxEntitySize is not merged; each of its wallets counts as its own owner.',
  'An owner holding a team, vesting or treasury wallet is an insider as a whole: the circulating scope leaves all its wallets out.',
];
