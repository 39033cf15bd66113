import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { ExchangeFigures, FlowFigureData, RewardFigures, UnlockFigures } from '../../../db/json-columns.ts';
import { tokenCursors, tokenFlowFigures, tokenSnapshots, tokenTransfers } from '../../../db/schema.ts';
import { FLOW_FIGURES, type FlowFigure } from '../../../db/vocabulary.ts';
import { snapshotBalances } from '../chain/repo.server.ts';
import { LABEL_ROLES, labelKinds } from '../chain/scopes.ts';
import type { TokenDefinition } from '../chain/schemas.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { StoredFigure } from './answers.ts';
import { BEFORE_FIRST_SNAPSHOT, dayNet, exchangeDays, type Venue } from './exchanges.ts';
import { DEAD, groupOf, ZERO } from './groups.ts';
import {
  isRewardPayment,
  matchRewards,
  reachedByPeriod,
  rewardPayers,
  REWARD_PERIODS,
  rewardsByPeriod,
  type PeriodToExchange,
  type RewardPayment,
} from './rewards.ts';
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

/** How long after a payment its recipient's transfers to an exchange count as passing the reward on. */
const REWARD_WINDOWS = { d7: 7, d30: 30 } as const;

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
 * it had go. Returns whether anything was computed.
 */
export async function refreshFlowFigures(db: Database, token: FigureToken, now: number): Promise<boolean> {
  const latest: LatestSnapshot | undefined = await db
    .select({ id: tokenSnapshots.id, block: tokenSnapshots.block, takenAt: tokenSnapshots.takenAt })
    .from(tokenSnapshots)
    .where(and(eq(tokenSnapshots.token, token.symbol), eq(tokenSnapshots.reorganised, false)))
    .orderBy(desc(tokenSnapshots.block), desc(tokenSnapshots.id))
    .get();
  const cursor = await db
    .select({ transfersFrom: tokenCursors.transfersFrom, nextBlock: tokenCursors.nextBlock })
    .from(tokenCursors)
    .where(eq(tokenCursors.token, token.symbol))
    .get();
  const covered = latest && cursor?.transfersFrom != null && latest.block < cursor.nextBlock;
  if (!latest || !covered || cursor.transfersFrom == null) {
    await db.delete(tokenFlowFigures).where(eq(tokenFlowFigures.token, token.symbol));
    return false;
  }
  const definition = definitionHash(token);
  const stored = await db
    .selectDistinct({ snapshotId: tokenFlowFigures.snapshotId, definition: tokenFlowFigures.definition })
    .from(tokenFlowFigures)
    .where(eq(tokenFlowFigures.token, token.symbol));
  if (stored.length === 1 && stored[0]?.snapshotId === latest.id && stored[0].definition === definition) return false;

  const figures = await computeFlowFigures(db, token, latest, cursor.transfersFrom);
  const rows = figures.map(({ figure, variant, data }) => ({
    token: token.symbol,
    figure,
    variant,
    snapshotId: latest.id,
    fromBlock: cursor.transfersFrom ?? 0,
    toBlock: latest.block,
    asOf: latest.takenAt,
    definition,
    data,
    computedAt: now,
  }));
  await db.batch([
    db.delete(tokenFlowFigures).where(eq(tokenFlowFigures.token, token.symbol)),
    db.insert(tokenFlowFigures).values(rows).onConflictDoNothing(),
  ]);
  return true;
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
  const cursor = await db
    .select({ transfersFrom: tokenCursors.transfersFrom, nextBlock: tokenCursors.nextBlock })
    .from(tokenCursors)
    .where(eq(tokenCursors.token, token.symbol))
    .get();
  if (cursor?.transfersFrom == null || snapshot.block >= cursor.nextBlock) return null;
  const [figure] = await computeFlowFigures(db, token, snapshot, cursor.transfersFrom, new Set(['unlocks']));
  return figure?.data.kind === 'unlocks' ? figure.data : null;
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

async function computeFlowFigures(
  db: Database,
  token: FigureToken,
  latest: LatestSnapshot,
  fromBlock: number,
  wanted: ReadonlySet<FlowFigure> = new Set(FLOW_FIGURES),
): Promise<ComputedFigure[]> {
  const kinds = labelKinds(token.labels);
  const withKind = (wanted: (kind: string) => boolean): string[] =>
    [...kinds].filter(([address, kind]) => address !== ZERO && wanted(kind)).map(([address]) => address);
  const paying = rewardPayers(token.labels);
  const { payers, mintsSince } = paying;
  const venues = new Map<string, Venue>(
    [...kinds].filter((e): e is [string, Venue] => e[1] === 'exchange' || e[1] === 'lp'),
  );
  const insiders = withKind((k) => k in LABEL_ROLES && LABEL_ROLES[k as keyof typeof LABEL_ROLES] === 'insider');

  const inRange = and(
    eq(tokenTransfers.token, token.symbol),
    gte(tokenTransfers.blockNumber, fromBlock),
    lte(tokenTransfers.blockNumber, latest.block),
  );
  const columns = {
    block: tokenTransfers.blockNumber,
    logIndex: tokenTransfers.logIndex,
    time: tokenTransfers.blockTime,
    from: tokenTransfers.fromAddress,
    to: tokenTransfers.toAddress,
    amount: tokenTransfers.amount,
  };
  const read = async (where: ReturnType<typeof and>): Promise<TimedTransfer[]> =>
    (await db.select(columns).from(tokenTransfers).where(and(inRange, where))).map((t) => ({
      from: t.from,
      to: t.to,
      amount: BigInt(t.amount),
      time: t.time,
      order: orderOf(t.block, t.logIndex),
    }));
  const rewarding = wanted.has('rewards');
  const [paid, minted, intoVenues, outOfVenues, fromInsiders] = await Promise.all([
    rewarding && payers.length > 0 ? read(inArray(tokenTransfers.fromAddress, payers)) : [],
    !rewarding || mintsSince === null
      ? []
      : read(and(eq(tokenTransfers.fromAddress, ZERO), gte(tokenTransfers.blockNumber, mintsSince))),
    venues.size > 0 ? read(inArray(tokenTransfers.toAddress, [...venues.keys()])) : [],
    wanted.has('exchanges') && venues.size > 0 ? read(inArray(tokenTransfers.fromAddress, [...venues.keys()])) : [],
    wanted.has('unlocks') && insiders.length > 0 ? read(inArray(tokenTransfers.fromAddress, insiders)) : [],
  ]);

  // Figure 2.
  const payments: RewardPayment[] = [...paid, ...minted]
    .filter((t) => isRewardPayment({ ...t, block: blockOf(t) }, paying, kinds))
    .map((t) => ({ to: t.to, amount: t.amount, time: t.time, order: t.order }));
  const recipients = new Set(payments.map((p) => p.to));
  const sales = intoVenues
    .filter((t) => recipients.has(t.from))
    .map((t) => ({ from: t.from, amount: t.amount, time: t.time, order: t.order }));
  const floorPerWeek = token.rewardFloor === undefined ? null : baseUnits(token.rewardFloor, token.decimals);
  const asOf = latest.takenAt;
  // Matching rewards to sales does not depend on the period kind: once a window, grouped three ways below.
  const matched = {
    d7: matchRewards(payments, sales, REWARD_WINDOWS.d7),
    d30: matchRewards(payments, sales, REWARD_WINDOWS.d30),
  };
  const rewards = (rewarding ? REWARD_PERIODS : []).map((period): ComputedFigure => {
    const reached = Object.fromEntries(
      Object.entries(REWARD_WINDOWS).map(([key, days]) => [
        key,
        new Map(
          reachedByPeriod(matched[key as keyof typeof REWARD_WINDOWS], period, days, asOf).map((p) => [p.key, p]),
        ),
      ]),
    ) as Record<keyof typeof REWARD_WINDOWS, Map<string, PeriodToExchange>>;
    const toExchange = (key: string) =>
      Object.fromEntries(
        (Object.keys(REWARD_WINDOWS) as (keyof typeof REWARD_WINDOWS)[]).map((w) => {
          const p = reached[w].get(key);
          return [
            w,
            {
              reached: (p?.reached ?? 0n).toString(),
              known: (p?.known ?? 0n).toString(),
              pending: (p?.pending ?? 0n).toString(),
              share: p?.share ?? null,
            },
          ];
        }),
      ) as RewardFigures['periods'][number]['toExchange'];
    const data: RewardFigures = {
      kind: 'rewards',
      period,
      payers,
      mintsSince,
      floorPerWeek: floorPerWeek?.toString() ?? null,
      periods: rewardsByPeriod(payments, period, floorPerWeek ?? 0n, asOf).map((p) => ({
        key: p.key,
        start: p.start,
        end: p.end,
        incomplete: p.incomplete,
        paid: p.paid.toString(),
        recipients: p.recipients,
        top10Share: p.top10Share,
        gini: p.gini,
        median: p.median.toString(),
        belowFloor: floorPerWeek === null ? null : p.belowFloor,
        floor: floorPerWeek === null ? null : p.floor.toString(),
        toExchange: toExchange(p.key),
      })),
    };
    return { figure: 'rewards', variant: period, data };
  });

  // Figure 3.
  const labelled = new Set(kinds.keys());
  const windows = unlockWindows({
    releases: unlockReleases(token.unlocks, token.decimals),
    insiders: new Set(insiders),
    exchanges: new Set(venues.keys()),
    labelled,
    transfers: dedupe([...fromInsiders, ...intoVenues]),
    asOf,
  });
  const unlocks: ComputedFigure = {
    figure: 'unlocks',
    variant: '',
    data: {
      kind: 'unlocks',
      windows: windows.map((w) => ({
        ...w,
        released: w.released.toString(),
        direct: w.direct.toString(),
        viaHop: w.viaHop.toString(),
        daily: w.daily.map(String),
      })),
    },
  };

  if (!wanted.has('exchanges')) return [...rewards, ...(wanted.has('unlocks') ? [unlocks] : [])];

  // Figure 4: the other side's group at the latest snapshot before each transfer.
  const venueTransfers = dedupe([...intoVenues, ...outOfVenues]);
  const groupAt = await groupsAtSnapshots(db, token, venueTransfers, venues, latest.block);
  const exchanges: ComputedFigure = {
    figure: 'exchanges',
    variant: '',
    data: {
      kind: 'exchanges',
      days: exchangeDays({ transfers: venueTransfers, venues, groupAt }).map((d) => ({
        day: d.day,
        inflow: strings(d.inflow),
        outflow: strings(d.outflow),
        venues: {
          exchange: { inflow: d.venues.exchange.inflow.toString(), outflow: d.venues.exchange.outflow.toString() },
          lp: { inflow: d.venues.lp.inflow.toString(), outflow: d.venues.lp.outflow.toString() },
        },
        net: dayNet(d).toString(),
        transfers: d.transfers,
      })),
    },
  };
  return [...rewards, unlocks, exchanges];
}

const strings = (amounts: ReadonlyMap<string, bigint>): Record<string, string> =>
  Object.fromEntries([...amounts].map(([k, v]) => [k, v.toString()]));

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
