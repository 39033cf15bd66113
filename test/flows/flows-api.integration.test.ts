import { describe, expect, it } from 'vitest';
import { serverForTests } from '../helpers/server.ts';

/**
 * The flow endpoints on the built server, with the simulated demo (weekly snapshots and every transfer): the
 * spans and figures start-up computed for it, as JSON and CSV; every bad parameter a 400 that names it; a token
 * with no transfers kept says so.
 */
const env = serverForTests();
const WHOLE = 'from=2026-01-01&to=2026-12-31';

interface Flows {
  symbol: string;
  scope: string;
  from: string;
  to: string;
  source: { kind: string; blocks: { from: number; to: number } | null };
  groups: { group: string; net: string; share: number | null; addresses: number }[];
  spans: { fromBlock: number; toBlock: number; kind: string }[];
}

const get = (query: string) => fetch(`${env.server.url}/api/tokens/opgsim/flows?${query}`);

describe('the flows API', () => {
  it('sums the spans between the demo’s snapshots, from the transfers between them', async () => {
    const res = await get(WHOLE);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Flows;
    expect(body).toMatchObject({ symbol: 'OPGSIM', scope: 'all', from: '2026-01-01', to: '2026-12-31' });
    expect(body.source.kind).toBe('transfers');
    expect(body.spans).toHaveLength(13);
    // Consecutive: each span starts where the one before ended.
    for (let i = 1; i < body.spans.length; i++) expect(body.spans[i]?.fromBlock).toBe(body.spans[i - 1]?.toBlock);
    expect(body.source.blocks).toEqual({ from: body.spans[0]?.fromBlock, to: body.spans.at(-1)?.toBlock });
    expect(body.groups.reduce((sum, g) => sum + BigInt(g.net), 0n)).toBe(0n);
    // The whales' fresh wallets: new addresses gained.
    expect(BigInt(body.groups.find((g) => g.group === 'new')?.net ?? '0')).toBeGreaterThan(0n);
    // A window holding only the last span's end.
    const last = (await (await get('from=2026-11-30&to=2026-12-06')).json()) as Flows;
    expect(last.spans.map((s) => s.toBlock)).toEqual([body.spans.at(-1)?.toBlock]);
  });

  it('answers CSV, one row per span and group', async () => {
    const res = await get(`${WHOLE}&scope=circulating&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('opgsim-flows-circulating-2026-01-01-2026-12-31.csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('from_block,to_block,to_time,kind,group,net_base_units,share_of_scope_supply,addresses');
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'transfers')).toBe(true);
  });

  it.each([
    ['from=yesterday', 'from must be a UTC date, YYYY-MM-DD'],
    ['from=2026-06-02&to=2026-06-01', 'from (2026-06-02) is after to (2026-06-01)'],
    ['scope=everyone', 'scope must be one of all, excludingLabelled, circulating'],
    ['format=pdf', 'format must be "json" or "csv"'],
  ])('refuses %s with 400 naming it', async (query, message) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message });
  });

  it.each([
    ['rewards?period=fortnight', 'period must be one of day, week, month'],
    ['rewards?period=week&scope=all', 'unknown parameter scope'],
    ['unlocks?from=2026-01-01', 'unknown parameter from'],
    ['exchanges?to=2026-13-01', 'to is not a calendar date'],
    ['exchanges?from=2026-06-02&to=2026-06-01', 'from (2026-06-02) is after to (2026-06-01)'],
  ])('refuses %s with 400 naming it', async (path, message) => {
    const res = await fetch(`${env.server.url}/api/tokens/opgsim/${path}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message });
  });

  it('answers where the rewards go per period, with its source and assumptions', async () => {
    for (const period of ['day', 'week', 'month']) {
      const body = (await (await fetch(`${env.server.url}/api/tokens/opgsim/rewards?period=${period}`)).json()) as {
        period: string;
        source: { kind: string; blocks: { from: number; to: number }; asOf: string };
        assumptions: string[];
        periods: { key: string; paid: string; incomplete: boolean }[];
      };
      expect(body.period).toBe(period);
      expect(body.source.kind).toBe('transfers');
      expect(body.assumptions.length).toBeGreaterThan(2);
      expect(body.periods.length).toBeGreaterThan(period === 'month' ? 2 : 12);
      // Only the last period can still be running.
      expect(body.periods.slice(0, -1).every((p) => !p.incomplete)).toBe(true);
    }
    const week = (await (await fetch(`${env.server.url}/api/tokens/opgsim/rewards`)).json()) as { period: string };
    expect(week.period).toBe('week');
  });

  it('answers the unlock windows and the exchange days from the same snapshot', async () => {
    const unlocks = (await (await fetch(`${env.server.url}/api/tokens/opgsim/unlocks`)).json()) as {
      source: { blocks: { to: number } };
      windows: { at: string; from: string; to: string; daily: string[] }[];
    };
    expect(unlocks.windows.map((w) => w.at.slice(0, 10))).toEqual(['2026-09-01', '2026-10-13', '2026-11-10']);
    expect(unlocks.windows.every((w) => w.daily.length === 37)).toBe(true);
    const exchanges = (await (
      await fetch(`${env.server.url}/api/tokens/opgsim/exchanges?from=2026-10-01&to=2026-10-31`)
    ).json()) as { source: { blocks: { to: number } }; days: { day: string }[] };
    expect(exchanges.days.length).toBeGreaterThan(0);
    expect(exchanges.days.every((d) => d.day >= '2026-10-01' && d.day <= '2026-10-31')).toBe(true);
    expect(exchanges.source.blocks.to).toBe(unlocks.source.blocks.to);
  });

  it('says figures 2–4 need transfers for a token that has none kept', async () => {
    for (const path of ['rewards', 'unlocks', 'exchanges']) {
      const res = await fetch(`${env.server.url}/api/tokens/opg/${path}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { source: unknown; note: string };
      expect(body.source).toBeNull();
      expect(body.note).toContain('computed from the token’s transfers');
    }
  });

  it('says 404 for a token the site does not track', async () => {
    for (const path of ['flows', 'rewards', 'unlocks', 'exchanges']) {
      const res = await fetch(`${env.server.url}/api/tokens/nope/${path}`);
      expect(res.status).toBe(404);
    }
  });
});
