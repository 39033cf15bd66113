import { z } from 'zod';
import type { FlowSpanFigures } from '../../../db/json-columns.ts';
import { SCOPES, type Scope } from '../chain/scopes.ts';
import { FLOW_GROUPS } from './groups.ts';
import { parseQuery } from '../platform/http/query.ts';
import { REWARD_PERIODS } from './rewards.ts';

/**
 * GET /api/tokens/<symbol>/flows: which spans between snapshots a request asks for, and what they add up to.
 * Pure: the endpoint reads the stored spans (flows.server.ts) and this shapes them.
 */

const DAY_MS = 86_400_000;
/** Without `from`, the window reaches this far back from `to`. */
export const DEFAULT_WINDOW_DAYS = 90;

const isoDate = (name: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a UTC date, YYYY-MM-DD`)
    .refine(
      (text) =>
        !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text),
      {
        message: `${name} is not a calendar date`,
      },
    );

export const flowsQuerySchema = z
  .object({
    from: isoDate('from').optional(),
    to: isoDate('to').optional(),
    scope: z.enum(SCOPES, { message: `scope must be one of ${SCOPES.join(', ')}` }).default('all'),
    format: z.enum(['json', 'csv'], { message: 'format must be "json" or "csv"' }).default('json'),
  })
  .strict();

export interface FlowsWindow {
  /** Spans that end from the start of `from` to the end of `to` (UTC days), ms. */
  fromMs: number;
  toMs: number;
  from: string;
  to: string;
  scope: Scope;
  format: 'json' | 'csv';
}

/** GET /api/tokens/<symbol>/rewards: the period kind, ISO weeks unless asked. */
export const rewardsQuerySchema = z
  .object({
    period: z.enum(REWARD_PERIODS, { message: `period must be one of ${REWARD_PERIODS.join(', ')}` }).default('week'),
  })
  .strict();

/** GET /api/tokens/<symbol>/unlocks takes no parameters. */
export const unlocksQuerySchema = z.object({}).strict();

/** GET /api/tokens/<symbol>/exchanges: a window of UTC days, as the flows endpoint's. */
export const exchangesQuerySchema = z
  .object({ from: isoDate('from').optional(), to: isoDate('to').optional() })
  .strict();
export interface DayWindow {
  fromMs: number;
  /** The last millisecond of `to`'s day. */
  toMs: number;
  from: string;
  to: string;
}

/** `from`..`to` as UTC days: `to` defaults to `now`'s day, `from` to DEFAULT_WINDOW_DAYS before it. */
export function dayWindow(
  asked: { from?: string | undefined; to?: string | undefined },
  now: number,
): DayWindow | { problem: string } {
  const to = asked.to ?? new Date(now).toISOString().slice(0, 10);
  const toMs = Date.parse(`${to}T00:00:00Z`) + DAY_MS - 1;
  const from = asked.from ?? new Date(toMs + 1 - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString().slice(0, 10);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  if (fromMs > toMs) return { problem: `from (${from}) is after to (${to})` };
  return { fromMs, toMs, from, to };
}

/** The query, checked: a clear message naming the parameter when it is not right. */
export function parseFlowsQuery(params: URLSearchParams, now: number): FlowsWindow | { problem: string } {
  const parsed = parseQuery(flowsQuerySchema, params);
  if (!parsed.ok) return { problem: parsed.problem };
  const window = dayWindow(parsed.value, now);
  if ('problem' in window) return window;
  return { ...window, scope: parsed.value.scope, format: parsed.value.format };
}

export interface StoredSpan {
  fromBlock: number;
  toBlock: number;
  toTime: number;
  figures: FlowSpanFigures;
}

export interface FlowsView {
  /** 'transfers', 'net' (CSV snapshots: balance changes, no movements), or 'mixed'. */
  kind: 'transfers' | 'net' | 'mixed' | 'none';
  blocks: { from: number; to: number } | null;
  /** Each group's net change over the window, base units, and as a share of the first span's scope supply. */
  groups: { group: string; net: string; share: number | null; addresses: number }[];
  /** Tokens moved between groups over the window (transfer spans only). */
  matrix: Record<string, Record<string, string>>;
  spans: {
    fromBlock: number;
    toBlock: number;
    at: string;
    kind: 'transfers' | 'net';
    transfers: number;
    scopeSupply: string;
    net: Record<string, string>;
    addresses: Record<string, number>;
  }[];
}

const GROUP_ORDER: readonly string[] = [...FLOW_GROUPS, 'unaccounted'];

/** The window's spans added up; each span's own figures stay beside the sum, as the chart needs them. */
export function flowsView(spans: readonly StoredSpan[]): FlowsView {
  const ordered = [...spans].sort((a, b) => a.toBlock - b.toBlock);
  const net = new Map<string, bigint>();
  const addresses = new Map<string, number>();
  const matrix = new Map<string, Map<string, bigint>>();
  for (const span of ordered) {
    for (const [group, amount] of Object.entries(span.figures.net))
      net.set(group, (net.get(group) ?? 0n) + BigInt(amount));
    for (const [group, count] of Object.entries(span.figures.addresses))
      addresses.set(group, (addresses.get(group) ?? 0) + count);
    for (const [from, row] of Object.entries(span.figures.matrix)) {
      let into = matrix.get(from);
      if (!into) matrix.set(from, (into = new Map()));
      for (const [to, amount] of Object.entries(row)) into.set(to, (into.get(to) ?? 0n) + BigInt(amount));
    }
  }
  const kinds = new Set(ordered.map((s) => s.figures.kind));
  const first = ordered[0];
  const last = ordered.at(-1);
  const base = first ? BigInt(first.figures.scopeSupply) : 0n;
  return {
    kind: kinds.size === 0 ? 'none' : kinds.size > 1 ? 'mixed' : (first?.figures.kind ?? 'none'),
    blocks: first && last ? { from: first.fromBlock, to: last.toBlock } : null,
    groups: [...net]
      .sort(([a], [b]) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b))
      .map(([group, amount]) => ({
        group,
        net: amount.toString(),
        share: base > 0n ? Number((amount * 10n ** 9n) / base) / 1e9 : null,
        addresses: addresses.get(group) ?? 0,
      })),
    matrix: Object.fromEntries(
      [...matrix].map(([from, row]) => [from, Object.fromEntries([...row].map(([to, v]) => [to, v.toString()]))]),
    ),
    spans: ordered.map((span) => ({
      fromBlock: span.fromBlock,
      toBlock: span.toBlock,
      at: new Date(span.toTime).toISOString(),
      kind: span.figures.kind,
      transfers: span.figures.transfers,
      scopeSupply: span.figures.scopeSupply,
      net: span.figures.net,
      addresses: span.figures.addresses,
    })),
  };
}

/** One row per span and group: what the JSON's spans say, for a spreadsheet. */
export function flowsCsv(view: FlowsView): string {
  const lines = ['from_block,to_block,to_time,kind,group,net_base_units,share_of_scope_supply,addresses'];
  for (const span of view.spans) {
    const supply = BigInt(span.scopeSupply);
    for (const group of GROUP_ORDER) {
      const amount = span.net[group];
      if (amount === undefined) continue;
      const share = supply > 0n ? (Number((BigInt(amount) * 10n ** 9n) / supply) / 1e9).toString() : '';
      lines.push(
        [span.fromBlock, span.toBlock, span.at, span.kind, group, amount, share, span.addresses[group] ?? 0].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
