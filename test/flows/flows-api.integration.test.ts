import { describe, expect, it } from 'vitest';
import { serverForTests } from '../helpers/server.ts';

/**
 * GET /api/tokens/<symbol>/flows on the built server, with the simulated demo's five snapshots: the spans
 * start-up computed for them, summed over the window asked for, as JSON and CSV; every bad parameter a 400
 * that names it.
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
  it('sums the spans between the demo’s snapshots: balance changes, since its snapshots carry no transfers', async () => {
    const res = await get(WHOLE);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Flows;
    expect(body).toMatchObject({ symbol: 'OPGSIM', scope: 'all', from: '2026-01-01', to: '2026-12-31' });
    expect(body.source).toEqual({ kind: 'net', blocks: { from: 2, to: 90 } });
    expect(body.spans.map((s) => [s.fromBlock, s.toBlock])).toEqual([
      [2, 4],
      [4, 7],
      [7, 57],
      [57, 90],
    ]);
    expect(body.groups.length).toBeGreaterThan(1);
    expect(body.groups.reduce((sum, g) => sum + BigInt(g.net), 0n)).toBe(0n);
    // A window holding only the last span's end.
    const last = (await (await get('from=2026-11-10&to=2026-11-20')).json()) as Flows;
    expect(last.spans.map((s) => s.toBlock)).toEqual([90]);
  });

  it('answers CSV, one row per span and group', async () => {
    const res = await get(`${WHOLE}&scope=circulating&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('opgsim-flows-circulating-2026-01-01-2026-12-31.csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('from_block,to_block,to_time,kind,group,net_base_units,share_of_scope_supply,addresses');
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.slice(1).every((line) => line.split(',')[3] === 'net')).toBe(true);
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

  it('says 404 for a token the site does not track', async () => {
    const res = await fetch(`${env.server.url}/api/tokens/nope/flows`);
    expect(res.status).toBe(404);
  });
});
