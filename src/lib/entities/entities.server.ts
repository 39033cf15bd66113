import { and, asc, count, eq, gt, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import type { EntityGroupingSummary } from '../../../db/json-columns.ts';
import {
  tokenEntities,
  tokenEntityGroupings,
  tokenEntityWallets,
  tokenSnapshots,
  tokenTransfers,
} from '../../../db/schema.ts';
import { keptTransfers, liveSnapshots, snapshotBalances, type LiveSnapshot } from '../chain/repo.server.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import { fingerprint } from '../platform/caching/identity.ts';
import { columnsExcept } from '../platform/db/columns.ts';
import type { Database } from '../platform/db/db.server.ts';
import {
  EdgeCollector,
  entityRules,
  groupEntities,
  sweepCandidateShare,
  ZERO,
  type EntityEdge,
  type EntityLabel,
  type EntityRules,
} from './grouping.ts';
import { entityRows, ownerFigures } from './owners.ts';

/**
 * Owners of a token's wallets, grouped once a snapshot is stored (grouping.ts's rules over the stored transfers
 * up to its block) and kept: each snapshot's figures counted by owner, and at the latest snapshot the entities
 * with their evidence and each grouped wallet's owner. No request reads transfers.
 */

export type EntityToken = Pick<TokenDefinition, 'symbol' | 'labels' | 'cohorts' | 'entities'>;

/** The token file's labels as the rules read them. */
function entityLabels(token: EntityToken): Map<string, EntityLabel> {
  return new Map(
    Object.entries(token.labels).map(([address, label]) => [
      address.toLowerCase(),
      { kind: label.kind, entity: label.entity },
    ]),
  );
}

/** What grouping reads in the token file: an edit regroups every snapshot. */
function groupingDefinition(token: EntityToken): string {
  return fingerprint({ labels: token.labels, cohorts: token.cohorts, rules: entityRules(token.entities) });
}

/**
 * Groups every snapshot of the token that has no grouping under the current definition, and keeps the latest
 * one's entities. Returns how many snapshots were grouped.
 */
export async function refreshEntities(db: Database, token: EntityToken, now: number): Promise<number> {
  const snapshots = await liveSnapshots(db, token.symbol);
  const definition = groupingDefinition(token);
  const stored = await db
    .select({
      snapshotId: tokenEntityGroupings.snapshotId,
      definition: tokenEntityGroupings.definition,
      kept: tokenEntityGroupings.kept,
    })
    .from(tokenEntityGroupings)
    .where(eq(tokenEntityGroupings.token, token.symbol));
  const current = new Map(stored.filter((s) => s.definition === definition).map((s) => [s.snapshotId, s.kept]));
  const latest = snapshots.at(-1);
  const cursor = await keptTransfers(db, token.symbol);
  let grouped = 0;
  for (const snapshot of snapshots) {
    const isLatest = snapshot === latest;
    // The latest grouping's entities are kept: after a rewind, the snapshot that is latest again is regrouped.
    if (current.has(snapshot.id) && (!isLatest || current.get(snapshot.id) === true)) continue;
    const fromBlock =
      snapshot.source.kind === 'rpc' && cursor !== null && snapshot.block < cursor.nextBlock
        ? cursor.transfersFrom
        : null;
    await groupSnapshot(db, token, snapshot, fromBlock, isLatest, definition, now);
    grouped++;
  }
  return grouped;
}

/**
 * Feeds the collector a token's transfers in [fromBlock, upTo]: SQLite finds each address's first incoming
 * transfer and the senders whose largest recipient comes near the sweep share (in floating point, one pass over
 * the block index); only those senders' transfers are read into JavaScript, to be summed exactly. Returns how
 * many transfers there were.
 */
async function collectTransfers(
  db: Database,
  symbol: string,
  fromBlock: number,
  upTo: number,
  collector: EdgeCollector,
  rules: EntityRules,
): Promise<number> {
  const { fromAddress, toAddress, blockNumber, logIndex, amount } = tokenTransfers;
  const inRange = and(
    eq(tokenTransfers.token, symbol),
    gte(blockNumber, fromBlock),
    lte(blockNumber, upTo),
    ne(amount, '0'),
  );
  // SQLite gives a bare column the value of the row that min() chose: each recipient's first sender.
  const firsts = await db
    .select({ to: toAddress, from: fromAddress, order: sql<number>`min(${blockNumber} * 1000000 + ${logIndex})` })
    .from(tokenTransfers)
    .where(inRange)
    .groupBy(toAddress);
  for (const f of firsts)
    collector.addFirst(f.to, {
      from: f.from,
      block: Math.floor(f.order / 1_000_000),
      logIndex: f.order % 1_000_000,
      txHash: '',
    });
  const real = sql`cast(${amount} as real)`;
  const pairs = db
    .select({
      from: fromAddress,
      transfers: sql<number>`count(*)`.as('transfers'),
      sent: sql<number>`sum(${real})`.as('sent'),
      total: sql<number>`sum(sum(${real})) over (partition by ${fromAddress})`.as('total'),
    })
    .from(tokenTransfers)
    .where(and(inRange, ne(fromAddress, ZERO)))
    .groupBy(fromAddress, toAddress)
    .as('pairs');
  const candidates = await db
    .selectDistinct({ from: pairs.from })
    .from(pairs)
    .where(and(gte(pairs.transfers, 2), sql`${pairs.sent} >= ${pairs.total} * ${sweepCandidateShare(rules)}`));
  // Each candidate's every transfer, a sender at a time, exactly.
  const senders = candidates.map((c) => c.from).sort();
  for (let i = 0; i < senders.length; i += 500) {
    const rows = await db
      .select({ block: blockNumber, logIndex, from: fromAddress, to: toAddress, amount })
      .from(tokenTransfers)
      .where(and(inRange, inArray(fromAddress, senders.slice(i, i + 500))))
      .orderBy(asc(fromAddress));
    for (const row of rows) collector.addSent({ ...row, amount: BigInt(row.amount) });
  }
  const counted = await db
    .select({ n: count() })
    .from(tokenTransfers)
    .where(and(eq(tokenTransfers.token, symbol), gte(blockNumber, fromBlock), lte(blockNumber, upTo)))
    .get();
  return counted?.n ?? 0;
}

/** The transactions and block times of the transfers at these (block, log index) places, read by the order index. */
async function transfersAt(
  db: Database,
  symbol: string,
  places: readonly { block: number; logIndex: number }[],
): Promise<Map<string, { txHash: string; time: number }>> {
  const found = new Map<string, { txHash: string; time: number }>();
  const { blockNumber, logIndex } = tokenTransfers;
  for (let i = 0; i < places.length; i += 400) {
    const slice = places.slice(i, i + 400);
    const rows = await db
      .select({ block: blockNumber, logIndex, txHash: tokenTransfers.txHash, time: tokenTransfers.blockTime })
      .from(tokenTransfers)
      .where(
        and(
          eq(tokenTransfers.token, symbol),
          inArray(blockNumber, [...new Set(slice.map((p) => p.block))]),
          inArray(logIndex, [...new Set(slice.map((p) => p.logIndex))]),
        ),
      );
    for (const row of rows) found.set(`${row.block}:${row.logIndex}`, { txHash: row.txHash, time: row.time });
  }
  return found;
}

/** The edges' evidence with its transaction hashes, which the pass over the transfers leaves out. */
async function fillEvidence(db: Database, symbol: string, edges: readonly EntityEdge[]): Promise<void> {
  const evidence = edges.flatMap((e) => (e.rule === 'named' ? [] : e.evidence));
  const found = await transfersAt(db, symbol, evidence);
  for (const e of evidence) e.txHash = found.get(`${e.block}:${e.logIndex}`)?.txHash ?? '';
}

/** Groups one snapshot; at the latest, also replaces the kept entities and wallets' owners. */
async function groupSnapshot(
  db: Database,
  token: EntityToken,
  snapshot: LiveSnapshot,
  fromBlock: number | null,
  isLatest: boolean,
  definition: string,
  now: number,
): Promise<void> {
  const labels = entityLabels(token);
  const rules: EntityRules = entityRules(token.entities);
  const collector = new EdgeCollector(labels, rules);
  const transfers =
    fromBlock === null ? 0 : await collectTransfers(db, token.symbol, fromBlock, snapshot.block, collector, rules);
  const edges = collector.edges();
  await fillEvidence(db, token.symbol, edges);
  const grouping = groupEntities(edges, rules);
  const holders = await snapshotBalances(db, snapshot.id);
  const kinds = new Map([...labels].map(([address, label]) => [address, label.kind]));
  const figures = ownerFigures({ holders, grouping, labels: kinds, cohorts: token.cohorts });
  const summary: EntityGroupingSummary = {
    kind: fromBlock === null ? 'named' : 'transfers',
    fromBlock,
    toBlock: snapshot.block,
    transfers,
    rules,
    largeClusters: grouping.largeClusters
      .slice(0, 20)
      .map((c) => ({ first: c.wallets[0] ?? '', wallets: c.wallets.length })),
    edges: {
      funded: edges.filter((e) => e.rule === 'funded').length,
      swept: edges.filter((e) => e.rule === 'swept').length,
      named: edges.filter((e) => e.rule === 'named').length,
    },
    ...figures,
  };
  const store = (kept: boolean) =>
    db
      .insert(tokenEntityGroupings)
      .values({ snapshotId: snapshot.id, token: token.symbol, definition, summary, kept, computedAt: now })
      .onConflictDoUpdate({
        target: tokenEntityGroupings.snapshotId,
        set: { definition, summary, kept, computedAt: now },
      });
  if (!isLatest) {
    await store(false);
    return;
  }
  const balances = new Map(holders.map((h) => [h.address, h.balance]));
  const rows = entityRows(grouping, balances, kinds, collector.firstTransfers()).sort((a, b) =>
    a.balance < b.balance ? 1 : a.balance > b.balance ? -1 : a.owner < b.owner ? -1 : 1,
  );
  const firstSeen = await transfersAt(
    db,
    token.symbol,
    rows.flatMap((row) => (row.firstSeen ? [row.firstSeen] : [])),
  );
  const replace = [
    db.update(tokenEntityGroupings).set({ kept: false }).where(eq(tokenEntityGroupings.token, token.symbol)),
    store(true),
    db.delete(tokenEntities).where(eq(tokenEntities.token, token.symbol)),
    db.delete(tokenEntityWallets).where(eq(tokenEntityWallets.token, token.symbol)),
  ];
  // In slices: a statement takes a bounded number of parameters.
  for (let i = 0; i < rows.length; i += 500) {
    replace.push(
      db.insert(tokenEntities).values(
        rows.slice(i, i + 500).map((row, n) => ({
          rank: i + n + 1,
          token: token.symbol,
          owner: row.owner,
          snapshotId: snapshot.id,
          wallets: row.wallets,
          balance: row.balance.toString(),
          insider: row.insider,
          firstSeenBlock: row.firstSeen?.block ?? null,
          firstSeenTime: row.firstSeen
            ? (firstSeen.get(`${row.firstSeen.block}:${row.firstSeen.logIndex}`)?.time ?? null)
            : null,
          edges: row.edges,
        })),
      ) as never,
    );
  }
  const wallets = [...grouping.ownerOf];
  for (let i = 0; i < wallets.length; i += 2000) {
    replace.push(
      db
        .insert(tokenEntityWallets)
        .values(
          wallets
            .slice(i, i + 2000)
            .map(([address, owner]) => ({ token: token.symbol, address, owner, snapshotId: snapshot.id })),
        ) as never,
    );
  }
  await db.batch(replace as [(typeof replace)[number]]);
}

/** The owner of each address at the token's latest grouping (an address in no entity is its own owner). */
export async function ownersOf(
  db: Database,
  symbol: string,
  addresses: readonly string[],
): Promise<Map<string, string>> {
  const owners = new Map(addresses.map((a) => [a, a]));
  for (let i = 0; i < addresses.length; i += 500) {
    const rows = await db
      .select({ address: tokenEntityWallets.address, owner: tokenEntityWallets.owner })
      .from(tokenEntityWallets)
      .where(
        and(eq(tokenEntityWallets.token, symbol), inArray(tokenEntityWallets.address, addresses.slice(i, i + 500))),
      );
    for (const row of rows) owners.set(row.address, row.owner);
  }
  return owners;
}

/** A token's groupings, by snapshot, oldest first: its figures counted by owner over time. */
export async function entityGroupings(db: Database, symbol: string) {
  return db
    .select({
      snapshotId: tokenEntityGroupings.snapshotId,
      block: tokenSnapshots.block,
      takenAt: tokenSnapshots.takenAt,
      summary: tokenEntityGroupings.summary,
    })
    .from(tokenEntityGroupings)
    .innerJoin(tokenSnapshots, eq(tokenSnapshots.id, tokenEntityGroupings.snapshotId))
    .where(and(eq(tokenEntityGroupings.token, symbol), eq(tokenSnapshots.reorganised, false)))
    .orderBy(asc(tokenSnapshots.block));
}

/** The owners at a snapshot, if its grouping is the one whose entities are kept: the page's and the API's read. */
export async function readOwners(db: Database, symbol: string, snapshotId: number, limit = 20, offset = 0) {
  const grouping = await db
    .select({ summary: tokenEntityGroupings.summary, computedAt: tokenEntityGroupings.computedAt })
    .from(tokenEntityGroupings)
    .where(
      and(
        eq(tokenEntityGroupings.token, symbol),
        eq(tokenEntityGroupings.snapshotId, snapshotId),
        eq(tokenEntityGroupings.kept, true),
      ),
    )
    .get();
  if (!grouping) return null;
  const rows = await db
    .select(columnsExcept(tokenEntities, 'token', 'snapshotId'))
    .from(tokenEntities)
    .where(
      and(
        eq(tokenEntities.token, symbol),
        eq(tokenEntities.snapshotId, snapshotId),
        // Ranks run 1, 2, 3, … within a grouping: a page is a range of the rank index, however deep.
        gt(tokenEntities.rank, offset),
        lte(tokenEntities.rank, offset + limit),
      ),
    )
    .orderBy(asc(tokenEntities.rank));
  return { ...grouping, entities: rows.map((row) => ({ ...row, balance: BigInt(row.balance) })) };
}

/** How many multi-wallet owners the kept grouping at a snapshot has. */
export async function ownerCount(db: Database, symbol: string, snapshotId: number): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(tokenEntities)
    .where(and(eq(tokenEntities.token, symbol), eq(tokenEntities.snapshotId, snapshotId)))
    .get();
  return row?.n ?? 0;
}
