import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE as FIXTURE } from '../helpers/demo-fixture.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * The owners of the demo token as a reader gets them (the API and the token page of a fresh `npm start`), checked
 * against a brute-force reading of the committed fixture's transfers: each rule applied as the issue words it, with
 * no code from the site.
 */

const ZERO = '0x0000000000000000000000000000000000000000';
const EXCHANGE = '0x00000000000000000000000000000000000e0e0e';
/** src/content/tokens/opgsim.yaml names these two together. */
const NAMED = ['0x000000000000000000000000000000000000cafe', '0x000000000000000000000000000000000000feed'];

interface Transfer {
  block: number;
  log: number;
  from: string;
  to: string;
  amount: bigint;
}

/** The owners the rules make of the fixture's transfers, as sorted wallet lists, found the slow way. */
function expectedOwners(): string[][] {
  const transfers: Transfer[] = FIXTURE.transfers.rows.map((row) => {
    const [block, log, , , from, to, amount] = row.split(':');
    return { block: Number(block), log: Number(log), from: from ?? '', to: to ?? '', amount: BigInt(amount ?? 0) };
  });
  const noEdges = (a: string) => a === ZERO || a === EXCHANGE;
  const edges: [string, string][] = [];
  const addresses = [...new Set(transfers.flatMap((t) => [t.from, t.to]))];
  const firstFrom = new Map<string, string>();
  for (const a of addresses) {
    const incoming = transfers
      .filter((t) => t.to === a && t.amount > 0n)
      .sort((x, y) => x.block - y.block || x.log - y.log);
    if (incoming[0]) firstFrom.set(a, incoming[0].from);
  }
  for (const [b, a] of firstFrom) {
    const fanout = [...firstFrom.values()].filter((f) => f === a).length;
    if (a !== ZERO && fanout <= 25 && !noEdges(a) && !noEdges(b)) edges.push([a, b]);
  }
  const sweeps: [string, string][] = [];
  for (const a of addresses) {
    if (a === ZERO) continue;
    const sent = transfers.filter((t) => t.from === a && t.amount > 0n);
    const total = sent.reduce((s, t) => s + t.amount, 0n);
    for (const b of new Set(sent.map((t) => t.to))) {
      const pair = sent.filter((t) => t.to === b);
      const amount = pair.reduce((s, t) => s + t.amount, 0n);
      if (pair.length >= 2 && b !== a && amount * 10n >= total * 9n) sweeps.push([a, b]);
    }
  }
  for (const [a, b] of sweeps)
    if (sweeps.filter(([, to]) => to === b).length <= 25 && !noEdges(a) && !noEdges(b)) edges.push([a, b]);
  edges.push([NAMED[0] ?? '', NAMED[1] ?? '']);
  const owners: string[][] = [];
  const seen = new Set<string>();
  for (const start of new Set(edges.flat())) {
    if (seen.has(start)) continue;
    const component = new Set([start]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [a, b] of edges)
        if (component.has(a) !== component.has(b)) {
          component.add(a);
          component.add(b);
          grew = true;
        }
    }
    for (const w of component) seen.add(w);
    owners.push([...component].sort());
  }
  return owners.sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? ''));
}

interface EntitiesAnswer {
  snapshot: { id: number; block: number };
  source: { kind: string; fromBlock: number; toBlock: number; transfers: number };
  total: number;
  entities: {
    rank: number;
    owner: string;
    wallets: string[];
    balance: string;
    insider: boolean;
    edges: { rule: string; evidence?: { txHash: string }[] }[];
  }[];
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('the demo token’s owners', () => {
  it('are the owners the rules make of the fixture’s transfers, with the balances of its latest snapshot', async () => {
    const response = await fetch(`${server.url}/api/tokens/opgsim/entities?limit=100`);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as EntitiesAnswer;
    const latest = FIXTURE.snapshots.at(-1);
    expect(answer.snapshot.block).toBe(latest?.block);
    expect(answer.source).toMatchObject({ kind: 'transfers', fromBlock: 0, toBlock: latest?.block });
    expect(answer.source.transfers).toBe(FIXTURE.transfers.rows.length);
    const byOwner = answer.entities
      .map((e) => [...e.wallets].sort())
      .sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? ''));
    expect(byOwner).toEqual(expectedOwners());
    expect(answer.total).toBe(expectedOwners().length);
    // Largest first, each balance the sum of its wallets' in the latest snapshot.
    const holders = latest?.holders ?? {};
    for (const e of answer.entities)
      expect(BigInt(e.balance)).toBe(e.wallets.reduce((s, w) => s + BigInt(holders[w] ?? '0'), 0n));
    const balances = answer.entities.map((e) => BigInt(e.balance));
    expect(balances).toEqual([...balances].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(answer.entities.map((e) => e.rank)).toEqual(answer.entities.map((_, n) => n + 1));
    // Every edge's transfer is one of the fixture's.
    const hashes = new Set(FIXTURE.transfers.rows.map((row) => row.split(':')[3]));
    for (const e of answer.entities)
      for (const edge of e.edges) for (const ev of edge.evidence ?? []) expect(hashes.has(ev.txHash)).toBe(true);
  });

  it('pages, and answers a bad query or an unknown token with a clear error', async () => {
    const page = (await (
      await fetch(`${server.url}/api/tokens/opgsim/entities?limit=1&offset=1`)
    ).json()) as EntitiesAnswer;
    expect(page.entities.map((e) => e.rank)).toEqual([2]);
    for (const [query, message] of [
      ['limit=0', 'limit must be a whole number from 1 to 100'],
      ['limit=abc', 'limit must be a whole number from 1 to 100'],
      ['offset=-1', 'offset must be a whole number, 0 or more'],
      ['scope=all', 'unknown parameter scope'],
    ] as const) {
      const response = await fetch(`${server.url}/api/tokens/opgsim/entities?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { message: string }).message, query).toBe(message);
    }
    expect((await fetch(`${server.url}/api/tokens/nope/entities`)).status).toBe(404);
  });

  it('shows on the token page, in English and Chinese, with the owners by name and never a ballot', async () => {
    for (const [path, title] of [
      ['/tokens/opgsim/', 'Owners, not addresses'],
      ['/zh/tokens/opgsim/', '按所有者计，而非按地址'],
    ] as const) {
      const html = await (await fetch(`${server.url}${path}`)).text();
      expect(html).toContain(title);
      expect(html.match(/data-owner="/g)).toHaveLength(expectedOwners().length);
      expect(html).toContain('OPGSIM project');
      expect(html).not.toMatch(/data-owner="[^"]*"[^>]*>[^<]*(toward-|voted)/);
    }
  });
});
