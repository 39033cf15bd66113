import type { FlowFigureState, RewardFigures } from '../../../db/json-columns.ts';
import {
  addPayment,
  enqueueRewards,
  matchQueues,
  periodOf,
  periodStats,
  REWARD_PERIODS,
  type Outflow,
  type Period,
  type PeriodRewards,
  type RewardPayment,
  type RewardPeriod,
  type RewardQueues,
} from './rewards.ts';

/**
 * Figure 2 kept as a ledger that each snapshot carries forward, so a new snapshot adds only the transfers after
 * the last one instead of reading every reward since launch. Pure.
 *
 * What a reward's matching needs of the past is bounded: a transfer to an exchange can only reach rewards paid
 * within the window before it, so rewards older than the window at the snapshot leave the queue for good, their
 * "known" and "reached" added to their period's. A period's own figures (paid, recipients, Gini…) change only
 * while it has not ended. Carrying the ledger forward over any split of the transfers gives what one pass over
 * all of them gives (the unit tests check it against rewardsByPeriod and matchRewards).
 */

const DAY_MS = 86_400_000;
export const REWARD_WINDOWS = { d7: 7, d30: 30 } as const;
type WindowKey = keyof typeof REWARD_WINDOWS;
const WINDOW_KEYS = Object.keys(REWARD_WINDOWS) as WindowKey[];

interface Settled {
  known: bigint;
  reached: bigint;
}

export interface RewardLedger {
  windows: Record<WindowKey, { queues: RewardQueues; settled: Record<RewardPeriod, Map<string, Settled>> }>;
  current: Record<RewardPeriod, Map<string, { period: Period; received: Map<string, bigint> }>>;
  ended: Record<RewardPeriod, PeriodRewards[]>;
}

const perKind = <T>(make: (kind: RewardPeriod) => T): Record<RewardPeriod, T> =>
  Object.fromEntries(REWARD_PERIODS.map((k) => [k, make(k)])) as Record<RewardPeriod, T>;

export function emptyLedger(): RewardLedger {
  return {
    windows: {
      d7: { queues: new Map(), settled: perKind(() => new Map()) },
      d30: { queues: new Map(), settled: perKind(() => new Map()) },
    },
    current: perKind(() => new Map()),
    ended: perKind(() => []),
  };
}

/**
 * Adds the payments and transfers to exchanges after the ledger's last snapshot, up to one at `asOf` (both
 * later than everything already in it), in place.
 */
export function advanceLedger(
  ledger: RewardLedger,
  payments: readonly RewardPayment[],
  sales: readonly Outflow[],
  asOf: number,
  floorPerWeek: bigint,
): void {
  for (const key of WINDOW_KEYS) {
    const { queues, settled } = ledger.windows[key];
    const window = REWARD_WINDOWS[key] * DAY_MS;
    enqueueRewards(queues, payments);
    matchQueues(queues, sales, REWARD_WINDOWS[key]);
    // A reward older than the window at this snapshot can reach no later transfer: its figures are final.
    for (const [recipient, queue] of queues) {
      let gone = 0;
      while (gone < queue.length && asOf - (queue[gone]?.payment.time ?? asOf) > window) gone++;
      for (const { payment, reached } of queue.slice(0, gone)) {
        for (const kind of REWARD_PERIODS) {
          const at = periodOf(payment.time, kind).key;
          const entry = settled[kind].get(at) ?? { known: 0n, reached: 0n };
          settled[kind].set(at, { known: entry.known + payment.amount, reached: entry.reached + reached });
        }
      }
      if (gone === queue.length) queues.delete(recipient);
      else if (gone > 0) queues.set(recipient, queue.slice(gone));
    }
  }
  for (const kind of REWARD_PERIODS) {
    const current = ledger.current[kind];
    for (const p of payments) addPayment(current, p, kind);
    // A period that ended by this snapshot receives nothing after it (block times only grow).
    for (const [key, { period, received }] of current) {
      if (period.end > asOf) continue;
      ledger.ended[kind].push(periodStats(period, received.values(), floorPerWeek, asOf));
      current.delete(key);
    }
    ledger.ended[kind].sort((a, b) => a.start - b.start);
  }
}

/** Figure 2's periods of every kind at `asOf`, as stored (`RewardFigures['periods']`). */
export function ledgerFigures(
  ledger: RewardLedger,
  asOf: number,
  floorPerWeek: bigint | null,
): Record<RewardPeriod, RewardFigures['periods']> {
  const toExchange = Object.fromEntries(WINDOW_KEYS.map((w) => [w, windowByPeriod(ledger, w, asOf)])) as Record<
    WindowKey,
    Record<RewardPeriod, Map<string, { reached: bigint; known: bigint; pending: bigint }>>
  >;
  return perKind((kind) => periodsOf(ledger, kind, asOf, floorPerWeek, toExchange));
}

/** One kind's periods (ledgerFigures for one). */
export function ledgerPeriods(
  ledger: RewardLedger,
  kind: RewardPeriod,
  asOf: number,
  floorPerWeek: bigint | null,
): RewardFigures['periods'] {
  return ledgerFigures(ledger, asOf, floorPerWeek)[kind];
}

function periodsOf(
  ledger: RewardLedger,
  kind: RewardPeriod,
  asOf: number,
  floorPerWeek: bigint | null,
  toExchange: Record<WindowKey, Record<RewardPeriod, Map<string, { reached: bigint; known: bigint; pending: bigint }>>>,
): RewardFigures['periods'] {
  const periods = [
    ...ledger.ended[kind],
    ...[...ledger.current[kind].values()].map(({ period, received }) =>
      periodStats(period, received.values(), floorPerWeek ?? 0n, asOf),
    ),
  ].sort((a, b) => a.start - b.start);
  return periods.map((p) => ({
    ...storedPeriod(p, floorPerWeek !== null),
    toExchange: Object.fromEntries(
      WINDOW_KEYS.map((w) => {
        const at = toExchange[w][kind].get(p.key) ?? { reached: 0n, known: 0n, pending: 0n };
        return [
          w,
          {
            reached: at.reached.toString(),
            known: at.known.toString(),
            pending: at.pending.toString(),
            share: at.known > 0n ? Number((at.reached * 1_000_000_000n) / at.known) / 1e9 : null,
          },
        ];
      }),
    ) as RewardFigures['periods'][number]['toExchange'],
  }));
}

/** A period's own figures as stored; without a floor, no count below it. */
function storedPeriod(p: PeriodRewards, floored: boolean): Omit<RewardFigures['periods'][number], 'toExchange'> {
  return {
    key: p.key,
    start: p.start,
    end: p.end,
    incomplete: p.incomplete,
    paid: p.paid.toString(),
    recipients: p.recipients,
    top10Share: p.top10Share,
    gini: p.gini,
    median: p.median.toString(),
    belowFloor: floored ? p.belowFloor : null,
    floor: floored ? p.floor.toString() : null,
  };
}

/** Per period of each kind: what reached an exchange of the rewards the window has passed, and what is pending. */
function windowByPeriod(
  ledger: RewardLedger,
  w: WindowKey,
  asOf: number,
): Record<RewardPeriod, Map<string, { reached: bigint; known: bigint; pending: bigint }>> {
  const window = REWARD_WINDOWS[w] * DAY_MS;
  const { queues, settled } = ledger.windows[w];
  const out = perKind((kind) => new Map([...settled[kind]].map(([key, s]) => [key, { ...s, pending: 0n }])));
  for (const queue of queues.values()) {
    for (const { payment, reached } of queue) {
      const young = asOf - payment.time < window;
      for (const kind of REWARD_PERIODS) {
        const key = periodOf(payment.time, kind).key;
        const entry = out[kind].get(key) ?? { reached: 0n, known: 0n, pending: 0n };
        if (young) entry.pending += payment.amount;
        else {
          entry.known += payment.amount;
          entry.reached += reached;
        }
        out[kind].set(key, entry);
      }
    }
  }
  return out;
}

/** The ledger as `token_flow_state` stores it. */
export function ledgerToJson(ledger: RewardLedger): FlowFigureState['rewards'] {
  const recipients: string[] = [];
  const indexes = new Map<string, number>();
  const indexOf = (address: string): number => {
    let index = indexes.get(address);
    if (index === undefined) {
      indexes.set(address, (index = recipients.length));
      recipients.push(address);
    }
    return index;
  };
  const settled = (s: Record<RewardPeriod, Map<string, Settled>>) =>
    Object.fromEntries(
      REWARD_PERIODS.map((k) => [
        k,
        Object.fromEntries([...s[k]].map(([key, v]) => [key, [v.known.toString(), v.reached.toString()]])),
      ]),
    ) as FlowFigureState['rewards']['windows']['d7']['settled'];
  const windows = Object.fromEntries(
    WINDOW_KEYS.map((w) => [
      w,
      {
        queued: [...ledger.windows[w].queues.values()].flatMap((queue) =>
          queue.map(
            ({ payment, left, reached }) =>
              [
                indexOf(payment.to),
                payment.order,
                payment.time,
                payment.amount.toString(),
                left.toString(),
                reached.toString(),
              ] as [number, number, number, string, string, string],
          ),
        ),
        settled: settled(ledger.windows[w].settled),
      },
    ]),
  ) as FlowFigureState['rewards']['windows'];
  const current = Object.fromEntries(
    REWARD_PERIODS.map((k) => [
      k,
      Object.fromEntries(
        [...ledger.current[k]].map(([key, { period, received }]) => [
          key,
          {
            start: period.start,
            end: period.end,
            received: [...received].map(([a, v]) => [indexOf(a), v.toString()] as [number, string]),
          },
        ]),
      ),
    ]),
  ) as FlowFigureState['rewards']['current'];
  return {
    recipients,
    windows,
    current,
    ended: Object.fromEntries(
      REWARD_PERIODS.map((k) => [k, ledger.ended[k].map((p) => storedPeriod(p, true))]),
    ) as FlowFigureState['rewards']['ended'],
  };
}

export function ledgerFromJson(data: FlowFigureState['rewards']): RewardLedger {
  const ledger = emptyLedger();
  for (const w of WINDOW_KEYS) {
    const { queues, settled } = ledger.windows[w];
    for (const [index, order, time, amount, left, reached] of data.windows[w].queued) {
      const to = data.recipients[index] ?? '';
      let queue = queues.get(to);
      if (!queue) queues.set(to, (queue = []));
      queue.push({
        payment: { to, order, time, amount: BigInt(amount) },
        left: BigInt(left),
        reached: BigInt(reached),
      });
    }
    for (const k of REWARD_PERIODS)
      for (const [key, [known, reached]] of Object.entries(data.windows[w].settled[k]))
        settled[k].set(key, { known: BigInt(known), reached: BigInt(reached) });
  }
  for (const k of REWARD_PERIODS) {
    for (const [key, { start, end, received }] of Object.entries(data.current[k]))
      ledger.current[k].set(key, {
        period: { key, start, end },
        received: new Map(received.map(([index, v]) => [data.recipients[index] ?? '', BigInt(v)])),
      });
    ledger.ended[k] = data.ended[k].map((p) => ({
      key: p.key,
      start: p.start,
      end: p.end,
      incomplete: p.incomplete,
      paid: BigInt(p.paid),
      recipients: p.recipients,
      top10Share: p.top10Share,
      gini: p.gini,
      median: BigInt(p.median),
      belowFloor: p.belowFloor ?? 0,
      floor: BigInt(p.floor ?? '0'),
    }));
  }
  return ledger;
}
