import type { ExchangeFigures } from '../../../db/json-columns.ts';
import type { TimedTransfer } from './unlock-windows.ts';

/**
 * Exchange flows (issue 39, figure 4), pure: per UTC day, tokens into and out of exchanges, split by the group
 * of the wallet on the other side, and the net. A transfer between two exchange addresses (a venue moving its
 * own float) is neither. Exchanges and DEX pools are kept apart as venues, since a swap sends tokens to a pool.
 */

export const BEFORE_FIRST_SNAPSHOT = 'before-first';

export type Venue = 'exchange' | 'lp';

export interface ExchangeDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Tokens into exchanges by the sender's group, base units. */
  inflow: Map<string, bigint>;
  /** Tokens out of exchanges by the recipient's group. */
  outflow: Map<string, bigint>;
  /** By venue kind: into and out of exchanges, and of pools. */
  venues: Record<Venue, { inflow: bigint; outflow: bigint }>;
  transfers: number;
}

export interface ExchangeFlowInput {
  /** Every transfer to or from a venue; others are ignored. */
  transfers: readonly TimedTransfer[];
  /** Addresses labelled exchange or lp, with which. */
  venues: ReadonlyMap<string, Venue>;
  /**
   * The other side's group as the latest snapshot before the transfer has it ("new" when the snapshot does not
   * list it, BEFORE_FIRST_SNAPSHOT when there is no snapshot before it).
   */
  groupAt: (address: string, transfer: TimedTransfer) => string;
}

export function exchangeDays({ transfers, venues, groupAt }: ExchangeFlowInput): ExchangeDay[] {
  const days = new Map<string, ExchangeDay>();
  const add = (amounts: Map<string, bigint>, group: string, amount: bigint): void => {
    amounts.set(group, (amounts.get(group) ?? 0n) + amount);
  };
  for (const t of [...transfers].sort((a, b) => a.order - b.order)) {
    const into = venues.get(t.to);
    const outOf = venues.get(t.from);
    if ((into === undefined) === (outOf === undefined) || t.amount <= 0n) continue;
    const key = new Date(t.time).toISOString().slice(0, 10);
    let day = days.get(key);
    if (!day) {
      day = {
        day: key,
        inflow: new Map(),
        outflow: new Map(),
        venues: { exchange: { inflow: 0n, outflow: 0n }, lp: { inflow: 0n, outflow: 0n } },
        transfers: 0,
      };
      days.set(key, day);
    }
    day.transfers++;
    if (into !== undefined) {
      add(day.inflow, groupAt(t.from, t), t.amount);
      day.venues[into].inflow += t.amount;
    } else if (outOf !== undefined) {
      add(day.outflow, groupAt(t.to, t), t.amount);
      day.venues[outOf].outflow += t.amount;
    }
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** Inflow minus outflow: positive when more went onto exchanges than came off them. */
export function dayNet(day: Pick<ExchangeDay, 'venues'>): bigint {
  return day.venues.exchange.inflow + day.venues.lp.inflow - day.venues.exchange.outflow - day.venues.lp.outflow;
}

type StoredDay = ExchangeFigures['days'][number];

/** A day as `token_flow_figures` stores it. */
export function storedDay(d: ExchangeDay): StoredDay {
  const strings = (amounts: ReadonlyMap<string, bigint>): Record<string, string> =>
    Object.fromEntries([...amounts].map(([k, v]) => [k, v.toString()]));
  return {
    day: d.day,
    inflow: strings(d.inflow),
    outflow: strings(d.outflow),
    venues: {
      exchange: { inflow: d.venues.exchange.inflow.toString(), outflow: d.venues.exchange.outflow.toString() },
      lp: { inflow: d.venues.lp.inflow.toString(), outflow: d.venues.lp.outflow.toString() },
    },
    net: dayNet(d).toString(),
    transfers: d.transfers,
  };
}

/**
 * The days so far with the days of later transfers added: a UTC day a snapshot cut in two is summed, so carrying
 * the days forward snapshot by snapshot gives what one pass over every transfer gives.
 */
export function mergeDays(earlier: readonly StoredDay[], later: readonly StoredDay[]): StoredDay[] {
  const days = new Map(earlier.map((d) => [d.day, d]));
  const sum = (a: Record<string, string>, b: Record<string, string>): Record<string, string> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = (BigInt(out[k] ?? '0') + BigInt(v)).toString();
    return out;
  };
  const add = (a: string, b: string): string => (BigInt(a) + BigInt(b)).toString();
  for (const d of later) {
    const before = days.get(d.day);
    if (!before) {
      days.set(d.day, d);
      continue;
    }
    days.set(d.day, {
      day: d.day,
      inflow: sum(before.inflow, d.inflow),
      outflow: sum(before.outflow, d.outflow),
      venues: {
        exchange: {
          inflow: add(before.venues.exchange.inflow, d.venues.exchange.inflow),
          outflow: add(before.venues.exchange.outflow, d.venues.exchange.outflow),
        },
        lp: {
          inflow: add(before.venues.lp.inflow, d.venues.lp.inflow),
          outflow: add(before.venues.lp.outflow, d.venues.lp.outflow),
        },
      },
      net: add(before.net, d.net),
      transfers: before.transfers + d.transfers,
    });
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
