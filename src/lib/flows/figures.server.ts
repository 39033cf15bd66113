import { createHash } from 'node:crypto';
import { and, asc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import type {
  ExchangeFigures,
  FlowFigureData,
  FlowFigureState,
  RewardFigures,
  UnlockFigures,
} from '../../../db/json-columns.ts';
import { tokenFlowFigures, tokenFlowState, tokenSnapshots, tokenTransfers } from '../../../db/schema.ts';
import type { FlowFigure } from '../../../db/vocabulary.ts';
import { keptTransfers, latestLiveSnapshot, snapshotBalances } from '../chain/repo.server.ts';
import { LABEL_ROLES, labelKinds } from '../chain/scopes.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { StoredFigure } from './answers.ts';
import { BEFORE_FIRST_SNAPSHOT, exchangeDays, mergeDays, storedDay, type Venue } from './exchanges.ts';
import { DEAD, groupOf, ZERO } from './groups.ts';
import { advanceLedger, emptyLedger, ledgerFigures, ledgerFromJson, ledgerToJson } from './reward-ledger.ts';
import { isRewardPayment, REWARD_PERIODS, rewardPayers, type RewardPayment } from './rewards.ts';
import { baseUnits, unlockReleases, unlockWindows, type TimedTransfer } from './unlock-windows.ts';

/**
 * Figures 2–4 (where the rewards go, what unlocked tokens do, exchange flows), computed from the stored transfers
 * up to the token's latest snapshot once that snapshot is stored, and kept in `token_flow_figures`. A page or
 * an API answer reads one row; every figure in it stands at the same snapshot as the token page's other
 * figures. Only the transfers of the few addresses the figures are about are read (reward payers, insiders,
 * exchanges), through their indexes.
 */

export type FigureToken = Pick<
  TokenDefinition,
  'symbol' | 'labels' | 'cohorts' | 'unlocks' | 'decimals' | 'rewardFloor'
>;

/** "Before" and "first" by (block, log index), as one number: log indexes stay far below a million a block. */
const orderOf = (block: number, logIndex: number): number => block * 1_000_000 + logIndex;
const blockOf = (t: TimedTransfer): number => Math.floor(t.order / 1_000_000);

export interface LatestSnapshot {
  id: number;
  block: number;
  takenAt: number;
}

/**
 * Brings the token's figures to its latest snapshot. Without transfers covering every block up to it (a token
 * known from CSV snapshots, or one scanned before transfers were kept), the token has no such figures and any
 * it had go. Figures 2 and 4 carry forward the state stored at the last snapshot they were computed at, so only
 * the transfers after it are read; without a usable state, every kept transfer is. Returns whether anything
 * was computed.
 */
export async function refreshFlowFigures(db: Database, token: FigureToken, now: number): Promise<boolean> {
  const latest: LatestSnapshot | undefined = await latestLiveSnapshot(db, token.symbol);
  const cursor = await keptTransfers(db, token.symbol);
  if (!latest || !cursor || latest.block >= cursor.nextBlock) {
    await db.batch([
      db.delete(tokenFlowFigures).where(eq(tokenFlowFigures.token, token.symbol)),
      db.delete(tokenFlowState).where(eq(tokenFlowState.token, token.symbol)),
    ]);
    return false;
  }
  const fromBlock = cursor.transfersFrom;
  const definition = definitionHash(token);
  const stored = await db
    .selectDistinct({ snapshotId: tokenFlowFigures.snapshotId, definition: tokenFlowFigures.definition })
    .from(tokenFlowFigures)
    .where(eq(tokenFlowFigures.token, token.symbol));
  if (stored.length === 1 && stored[0]?.snapshotId === latest.id && stored[0].definition === definition) return false;

  const carried = await usableState(db, token.symbol, latest, fromBlock, definition);
  const { figures, state } = await computeFlowFigures(db, token, latest, fromBlock, carried);
  const rows = figures.map(({ figure, variant, data }) => ({
    token: token.symbol,
    figure,
    variant,
    snapshotId: latest.id,
    fromBlock,
    toBlock: latest.block,
    asOf: latest.takenAt,
    definition,
    data,
    computedAt: now,
  }));
  const kept = { snapshotId: latest.id, block: latest.block, fromBlock, definition, state, computedAt: now };
  await db.batch([
    db.delete(tokenFlowFigures).where(eq(tokenFlowFigures.token, token.symbol)),
    db.insert(tokenFlowFigures).values(rows).onConflictDoNothing(),
    db
      .insert(tokenFlowState)
      .values({ token: token.symbol, ...kept })
      .onConflictDoUpdate({ target: tokenFlowState.token, set: kept }),
  ]);
  return true;
}

/** The state figures 2 and 4 stood at, when it can be carried forward to `latest`; else null. */
async function usableState(
  db: Database,
  symbol: string,
  latest: LatestSnapshot,
  fromBlock: number,
  definition: string,
): Promise<{ block: number; state: FlowFigureState } | null> {
  const row = await db
    .select({
      block: tokenFlowState.block,
      fromBlock: tokenFlowState.fromBlock,
      definition: tokenFlowState.definition,
      state: tokenFlowState.state,
      snapshotBlock: tokenSnapshots.block,
      reorganised: tokenSnapshots.reorganised,
    })
    .from(tokenFlowState)
    .innerJoin(tokenSnapshots, eq(tokenSnapshots.id, tokenFlowState.snapshotId))
    .where(eq(tokenFlowState.token, symbol))
    .get();
  // A rewind below it marks its snapshot reorganised; a state from other labels, floor or first block is wrong.
  const usable =
    row &&
    !row.reorganised &&
    row.snapshotBlock === row.block &&
    row.block <= latest.block &&
    row.fromBlock === fromBlock &&
    row.definition === definition;
  return usable ? { block: row.block, state: row.state } : null;
}

/**
 * Figure 3 as it stood at one snapshot (a resolution settled by a snapshot older than the latest): null when the
 * transfers kept do not cover every block up to it.
 */
export async function unlockFigureAt(
  db: Database,
  token: FigureToken,
  snapshot: LatestSnapshot,
): Promise<UnlockFigures | null> {
  const cursor = await keptTransfers(db, token.symbol);
  if (!cursor || snapshot.block >= cursor.nextBlock) return null;
  return unlockFigure(db, token, snapshot, cursor.transfersFrom);
}

function definitionHash(token: FigureToken): string {
  const { labels, unlocks, cohorts, decimals, rewardFloor } = token;
  return createHash('sha256')
    .update(JSON.stringify({ labels, unlocks, cohorts, decimals, rewardFloor: rewardFloor ?? null }))
    .digest('base64url');
}

interface ComputedFigure {
  figure: FlowFigure;
  variant: string;
  data: FlowFigureData;
}

const TRANSFER_COLUMNS = {
  block: tokenTransfers.blockNumber,
  logIndex: tokenTransfers.logIndex,
  time: tokenTransfers.blockTime,
  from: tokenTransfers.fromAddress,
  to: tokenTransfers.toAddress,
  amount: tokenTransfers.amount,
};

/** Reads a token's transfers in a block range ([after + 1, upTo]) that also meet `where`. */
function transferReader(db: Database, symbol: string, after: number, upTo: number) {
  const inRange = and(
    eq(tokenTransfers.token, symbol),
    gt(tokenTransfers.blockNumber, after),
    lte(tokenTransfers.blockNumber, upTo),
  );
  return async (where: ReturnType<typeof and>): Promise<TimedTransfer[]> =>
    (await db.select(TRANSFER_COLUMNS).from(tokenTransfers).where(and(inRange, where))).map((t) => ({
      from: t.from,
      to: t.to,
      amount: BigInt(t.amount),
      time: t.time,
      order: orderOf(t.block, t.logIndex),
    }));
}

/** The token file's addresses by what the figures do with them. */
function roles(token: FigureToken) {
  const kinds = labelKinds(token.labels);
  const venues = new Map<string, Venue>(
    [...kinds].filter((e): e is [string, Venue] => e[1] === 'exchange' || e[1] === 'lp'),
  );
  const insiders = [...kinds]
    .filter(([address, kind]) => address !== ZERO && LABEL_ROLES[kind] === 'insider')
    .map(([address]) => address);
  return { kinds, venues, insiders, paying: rewardPayers(token.labels) };
}

/**
 * Figures 2–4 at `latest`: figure 2's ledger and figure 4's days carried forward from `carried` (or from
 * nothing) with the transfers after it, figure 3 from the insiders' transfers and those of the wallets they
 * paid.
 */
async function computeFlowFigures(
  db: Database,
  token: FigureToken,
  latest: LatestSnapshot,
  fromBlock: number,
  carried: { block: number; state: FlowFigureState } | null,
): Promise<{ figures: ComputedFigure[]; state: FlowFigureState }> {
  const { kinds, venues, paying } = roles(token);
  const { payers, mintsSince } = paying;
  const after = carried?.block ?? fromBlock - 1;
  const read = transferReader(db, token.symbol, after, latest.block);
  const venueList = [...venues.keys()];
  const [paid, minted, intoVenues, outOfVenues, unlocks] = await Promise.all([
    payers.length > 0 ? read(inArray(tokenTransfers.fromAddress, payers)) : [],
    mintsSince === null
      ? []
      : read(and(eq(tokenTransfers.fromAddress, ZERO), gte(tokenTransfers.blockNumber, mintsSince))),
    venues.size > 0 ? read(inArray(tokenTransfers.toAddress, venueList)) : [],
    venues.size > 0 ? read(inArray(tokenTransfers.fromAddress, venueList)) : [],
    unlockFigure(db, token, latest, fromBlock),
  ]);

  // Figure 2.
  const payments: RewardPayment[] = [...paid, ...minted]
    .filter((t) => isRewardPayment({ ...t, block: blockOf(t) }, paying, kinds))
    .map((t) => ({ to: t.to, amount: t.amount, time: t.time, order: t.order }));
  const sales = intoVenues.map((t) => ({ from: t.from, amount: t.amount, time: t.time, order: t.order }));
  const floorPerWeek = token.rewardFloor === undefined ? null : baseUnits(token.rewardFloor, token.decimals);
  const asOf = latest.takenAt;
  const ledger = carried ? ledgerFromJson(carried.state.rewards) : emptyLedger();
  advanceLedger(ledger, payments, sales, asOf, floorPerWeek ?? 0n);
  const byKind = ledgerFigures(ledger, asOf, floorPerWeek);
  const rewards = REWARD_PERIODS.map((period): ComputedFigure => ({
    figure: 'rewards',
    variant: period,
    data: {
      kind: 'rewards',
      period,
      payers,
      mintsSince,
      floorPerWeek: floorPerWeek?.toString() ?? null,
      periods: byKind[period],
    },
  }));

  // Figure 4: the other side's group at the latest snapshot before each transfer.
  const venueTransfers = dedupe([...intoVenues, ...outOfVenues]);
  const groupAt = await groupsAtSnapshots(db, token, venueTransfers, venues, latest.block);
  const days = mergeDays(
    carried?.state.exchangeDays ?? [],
    exchangeDays({ transfers: venueTransfers, venues, groupAt }).map(storedDay),
  );
  const exchanges: ComputedFigure = { figure: 'exchanges', variant: '', data: { kind: 'exchanges', days } };
  return {
    figures: [...rewards, { figure: 'unlocks', variant: '', data: unlocks }, exchanges],
    state: { rewards: ledgerToJson(ledger), exchangeDays: days },
  };
}

/**
 * Figure 3 at a snapshot: the insiders' transfers, and the transfers to exchanges of the unlabelled wallets they
 * paid (the only ones a window can count), read by sender.
 */
async function unlockFigure(
  db: Database,
  token: FigureToken,
  at: LatestSnapshot,
  fromBlock: number,
): Promise<UnlockFigures> {
  const { kinds, venues, insiders } = roles(token);
  const read = transferReader(db, token.symbol, fromBlock - 1, at.block);
  const fromInsiders = insiders.length > 0 ? await read(inArray(tokenTransfers.fromAddress, insiders)) : [];
  const hops = [...new Set(fromInsiders.map((t) => t.to).filter((to) => !kinds.has(to) && to !== ZERO))];
  const fromHops: TimedTransfer[] = [];
  // By sender only, so the (token, from) index serves it (with the recipients too, SQLite may scan every deposit
  // at an exchange instead); in slices, as a statement takes a bounded number of parameters.
  for (let i = 0; i < hops.length && venues.size > 0; i += 500) {
    const sent = await read(inArray(tokenTransfers.fromAddress, hops.slice(i, i + 500)));
    fromHops.push(...sent.filter((t) => venues.has(t.to)));
  }
  const windows = unlockWindows({
    releases: unlockReleases(token.unlocks, token.decimals),
    insiders: new Set(insiders),
    exchanges: new Set(venues.keys()),
    labelled: new Set(kinds.keys()),
    transfers: dedupe([...fromInsiders, ...fromHops]),
    asOf: at.takenAt,
  });
  return {
    kind: 'unlocks',
    windows: windows.map((w) => ({
      ...w,
      released: w.released.toString(),
      direct: w.direct.toString(),
      viaHop: w.viaHop.toString(),
      daily: w.daily.map(String),
    })),
  };
}

function dedupe(transfers: readonly TimedTransfer[]): TimedTransfer[] {
  const seen = new Map<number, TimedTransfer>();
  for (const t of transfers) seen.set(t.order, t);
  return [...seen.values()].sort((a, b) => a.order - b.order);
}

/**
 * The group of each venue transfer's other side at the latest snapshot before it, looked up per snapshot for
 * just those addresses (a token's full balances at every snapshot would be millions of rows).
 */
async function groupsAtSnapshots(
  db: Database,
  token: FigureToken,
  transfers: readonly TimedTransfer[],
  venues: ReadonlyMap<string, Venue>,
  upToBlock: number,
): Promise<(address: string, transfer: TimedTransfer) => string> {
  const snapshots = await db
    .select({ id: tokenSnapshots.id, block: tokenSnapshots.block, supply: tokenSnapshots.supply })
    .from(tokenSnapshots)
    .where(
      and(
        eq(tokenSnapshots.token, token.symbol),
        eq(tokenSnapshots.reorganised, false),
        lte(tokenSnapshots.block, upToBlock),
      ),
    )
    .orderBy(asc(tokenSnapshots.block), asc(tokenSnapshots.id));
  /** Index of the latest snapshot strictly before the transfer's block; -1 when none. */
  const snapshotBefore = (t: TimedTransfer): number => {
    const block = blockOf(t);
    let lo = 0;
    let hi = snapshots.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((snapshots[mid]?.block ?? Infinity) < block) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const wanted = new Map<number, Set<string>>();
  for (const t of transfers) {
    const at = snapshotBefore(t);
    if (at < 0) continue;
    let set = wanted.get(at);
    if (!set) wanted.set(at, (set = new Set([ZERO, DEAD])));
    set.add(venues.has(t.to) ? t.from : t.to);
  }
  const labels = labelKinds(token.labels);
  const grouping = new Map<number, (address: string) => string>();
  for (const [at, addresses] of wanted) {
    const snapshot = snapshots[at];
    if (!snapshot) continue;
    const earlier = new Map(
      (await snapshotBalances(db, snapshot.id, [...addresses])).map((h) => [h.address, h.balance]),
    );
    // The 'all' scope's supply leaves out the burn sinks, as flows/groups.ts's scopeSupply does.
    const supply = BigInt(snapshot.supply) - (earlier.get(ZERO) ?? 0n) - (earlier.get(DEAD) ?? 0n);
    grouping.set(at, groupOf({ earlier, labels, thresholds: token.cohorts, scope: 'all', supply }));
  }
  return (address, transfer) => grouping.get(snapshotBefore(transfer))?.(address) ?? BEFORE_FIRST_SNAPSHOT;
}

/** What a stored figure says: its data and where it stands (answers.ts's StoredFigure). */
const STORED = {
  fromBlock: tokenFlowFigures.fromBlock,
  toBlock: tokenFlowFigures.toBlock,
  asOf: tokenFlowFigures.asOf,
  computedAt: tokenFlowFigures.computedAt,
  data: tokenFlowFigures.data,
};

/** One stored figure of a token, or null when the token has no transfer data. */
export async function readFlowFigure<K extends FlowFigureData['kind']>(
  db: Database,
  symbol: string,
  figure: K,
  variant = '',
): Promise<StoredFigure<Extract<FlowFigureData, { kind: K }>> | null> {
  const row = await db
    .select(STORED)
    .from(tokenFlowFigures)
    .where(
      and(
        eq(tokenFlowFigures.token, symbol),
        eq(tokenFlowFigures.figure, figure),
        eq(tokenFlowFigures.variant, variant),
      ),
    )
    .get();
  if (!row || row.data.kind !== figure) return null;
  return row as StoredFigure<Extract<FlowFigureData, { kind: K }>>;
}

/**
 * Figures 2–4 of a token for its page, in one read so that they stand at one snapshot even while a refresh
 * replaces them: the weekly rewards, the unlock windows and the exchange days; null where there are none.
 */
export async function readPageFigures(
  db: Database,
  symbol: string,
): Promise<{
  rewards: StoredFigure<RewardFigures> | null;
  unlocks: StoredFigure<UnlockFigures> | null;
  exchanges: StoredFigure<ExchangeFigures> | null;
}> {
  const rows = await db
    .select({ variant: tokenFlowFigures.variant, ...STORED })
    .from(tokenFlowFigures)
    .where(eq(tokenFlowFigures.token, symbol));
  let rewards: StoredFigure<RewardFigures> | null = null;
  let unlocks: StoredFigure<UnlockFigures> | null = null;
  let exchanges: StoredFigure<ExchangeFigures> | null = null;
  for (const { variant, data, ...at } of rows) {
    if (data.kind === 'rewards' && variant === 'week') rewards = { ...at, data };
    else if (data.kind === 'unlocks') unlocks = { ...at, data };
    else if (data.kind === 'exchanges') exchanges = { ...at, data };
  }
  return { rewards, unlocks, exchanges };
}
