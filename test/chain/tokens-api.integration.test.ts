import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSnapshots, testAddress } from '../helpers/snapshots.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
const holder = (i: number): string => testAddress(i + 4096);
// The labelled addresses of src/content/tokens/opgsim.yaml.
const EXCHANGE = testAddress(0xe0e0e);
const VESTING = testAddress(0xfeed);
const TREASURY = testAddress(0xcafe);

beforeAll(async () => {
  // Its own OPGSIM snapshots, not the demo's.
  server = await startServer({ env: { DEMO_FIXTURE: 'none' } });
  importSnapshots(server.databaseUrl, 'OPG', [
    [100, '2026-11-01', [800, 100, 100].map((b, i) => [holder(i), b])],
    [200, '2026-11-15', [500, 300, 200].map((b, i) => [holder(i), b])],
  ]);
  const labelled = (exchange: number, vesting: number, treasury: number): [string, number][] => [
    [EXCHANGE, exchange],
    [VESTING, vesting],
    [TREASURY, treasury],
  ];
  importSnapshots(server.databaseUrl, 'OPGSIM', [
    [100, '2026-11-01', [...labelled(100, 400, 200), [holder(0), 200], [holder(1), 50], [holder(2), 50]]],
    [200, '2026-11-15', [...labelled(150, 300, 200), [holder(0), 250], [holder(1), 60], [holder(2), 40]]],
  ]);
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('GET /api/tokens/<symbol>/snapshots', () => {
  it('returns snapshots oldest first, numbers as numbers and balances as decimal strings', async () => {
    const res = await fetch(`${server.url}/api/tokens/opg/snapshots`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { symbol: string; address: string | null; snapshots: Record<string, unknown>[] };
    expect(body).toMatchObject({ symbol: 'OPG', address: null });
    expect(body.snapshots.map((s) => s.block)).toEqual([100, 200]);
    const [first] = body.snapshots;
    expect(first).toMatchObject({
      timestamp: '2026-11-01T00:00:00.000Z',
      simulated: false,
      supply: (1000n * 10n ** 18n).toString(),
    });
    expect((first?.all as { top1Share: number }).top1Share).toBeCloseTo(0.8, 12);
    expect(typeof (first?.all as { gini: number }).gini).toBe('number');
    // Balances travel exactly, as decimal strings, never as floats.
    expect(first?.all).not.toHaveProperty('supply');
    expect(first?.excludingLabelled).not.toHaveProperty('supply');
    expect(first?.circulating).not.toHaveProperty('supply');
    expect(first?.source).toMatchObject({ kind: 'csv' });
  });

  it('measures three scopes and says what each leaves out', async () => {
    const body = (await (await fetch(`${server.url}/api/tokens/opgsim/snapshots`)).json()) as {
      scopes: Record<string, { name: string; excludesLabelKinds: string[] }>;
      snapshots: Record<'all' | 'excludingLabelled' | 'circulating', { holderCount: number; top1Share: number }>[];
    };
    expect(Object.keys(body.scopes)).toEqual(['all', 'excludingLabelled', 'circulating']);
    expect(body.scopes.all?.excludesLabelKinds).toEqual([]);
    expect(body.scopes.excludingLabelled?.excludesLabelKinds.sort()).toEqual([
      'bridge',
      'burn',
      'contract',
      'exchange',
      'lp',
      'rewards',
    ]);
    expect(body.scopes.circulating?.excludesLabelKinds).toEqual(
      expect.arrayContaining(['team', 'vesting', 'treasury']),
    );
    const latest = body.snapshots.at(-1);
    // Six holders; without the exchange five; without the exchange, the vesting contract and the treasury three.
    expect([latest?.all.holderCount, latest?.excludingLabelled.holderCount, latest?.circulating.holderCount]).toEqual([
      6, 5, 3,
    ]);
    expect(latest?.all.top1Share).toBeCloseTo(300 / 1000, 12);
    expect(latest?.excludingLabelled.top1Share).toBeCloseTo(300 / 850, 12);
    expect(latest?.circulating.top1Share).toBeCloseTo(250 / 350, 12);
    expect(latest).toMatchObject({ circulatingBackfilledAt: null });
  });

  it('downloads the same figures as CSV', async () => {
    const res = await fetch(`${server.url}/api/tokens/OPG/snapshots?format=csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('opg-snapshots.csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^block,timestamp,scope,simulated,source,supply,holderCount,top1Share/);
    // One row per snapshot and scope: all, excludingLabelled, circulating.
    expect(lines).toHaveLength(1 + 2 * 3);
    expect(lines[1]).toMatch(/^100,2026-11-01T00:00:00.000Z,all,false,csv:/);
    expect(lines.slice(1, 4).map((l) => l.split(',')[2])).toEqual(['all', 'excludingLabelled', 'circulating']);
  });

  it('shows every figure of the token page for the three scopes, and charts the one asked for', async () => {
    const page = await (await fetch(`${server.url}/tokens/opgsim/`)).text();
    for (const name of ['All holders', 'Without custodians', 'Circulating']) expect(page).toContain(`<dt>${name}</dt>`);
    expect(page).toContain('Also leaves out insiders, addresses labelled team, treasury or vesting');
    expect(page).toContain(
      'Labels, the publisher’s list of known addresses: 1 exchange, 1 rewards, 1 treasury, 1 vesting',
    );
    // Holders 6 / 5 / 3, supply counted 1,000 / 850 / 350 tokens.
    expect(page).toMatch(
      /Holders<\/th>\s*<td class="num"[^>]*>6<\/td>\s*<td class="num"[^>]*>5<\/td>\s*<td class="num"[^>]*>3<\/td>/,
    );
    expect(page).toMatch(
      /Supply counted \(tokens\)<\/th>\s*<td[^>]*>1,000<\/td>\s*<td[^>]*>850<\/td>\s*<td[^>]*>350<\/td>/,
    );
    // The vesting contract is the largest holder of all, and left out of circulating.
    expect(page).toContain('Team vesting (vesting)');
    expect(page).toContain('left out');
    expect(page).toMatch(/data-chart="cohort-counts"/);
    expect(page).toMatch(/<token-charts[^>]*data-scope="all"/);
    expect(page).toMatch(/href="\?scope=all#charts"[^>]*aria-current="true"/);

    const circulating = await (await fetch(`${server.url}/tokens/opgsim/?scope=circulating`)).text();
    expect(circulating).toMatch(/<token-charts[^>]*data-scope="circulating"/);
    expect(circulating).toContain('Holders in each cohort, on a log scale (circulating)');
    // Anything else falls back to all holders rather than failing.
    expect(await (await fetch(`${server.url}/tokens/opgsim/?scope=nope`)).text()).toMatch(/data-scope="all"/);
  });

  it.each([
    ['/api/tokens/nope/snapshots', 404],
    ['/api/tokens/opg/snapshots?format=xml', 400],
  ])('%s answers %i', async (path, status) => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(status);
  });
});

/** The HTML of a page, as a reader's browser gets it. */
const html = async (path: string): Promise<string> => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('what a reader reads of a token', () => {
  const READER_PAGES = [
    '/tokens/',
    '/zh/tokens/',
    '/tokens/opgsim/',
    '/zh/tokens/opgsim/',
    '/tokens/opgsim/?scope=circulating',
    '/tokens/opg/',
    '/zh/tokens/opg/',
  ];

  it.each(READER_PAGES)('%s holds no developer text: no variable, source path or command', async (path) => {
    const page = await html(path);
    expect(page).not.toMatch(/RPC_URL|SNAPSHOT_EVERY|src\/content|\.yaml\b|npm run|token file|代币文件/);
  });

  it('says how snapshots come in reader words, with UTC times that do not age in a cache', async () => {
    // OPGSIM has an address but no RPC here: updated by hand, the reason left to /api/health.
    expect(await html('/tokens/opgsim/')).toMatch(
      /data-freshness[^>]*>\s*Updated by hand; last snapshot 15 Nov 2026, 00:00 UTC \(block 200\)\s*</,
    );
    expect(await html('/zh/tokens/opgsim/')).toMatch(
      /data-freshness[^>]*>\s*手动更新；最新快照拍摄于 2026年11月15日 00:00 UTC（区块 200）\s*</,
    );
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { snapshots: unknown[] };
    expect(health.snapshots).toContainEqual(
      expect.objectContaining({
        token: 'OPGSIM',
        scheduled: false,
        unscheduledBecause: 'RPC_URL_31337 is not set',
        block: 200,
        takenAt: '2026-11-15T00:00:00.000Z',
      }),
    );
  });

  it('shows the token file’s Chinese name, description, label names and unlock recipients on the Chinese page', async () => {
    const zh = await html('/zh/tokens/opgsim/');
    expect(zh).toMatch(/<h1>\s*<span>OpenGradient（模拟演示）<\/span> \(\$OPGSIM\)\s*<\/h1>/);
    expect(zh).toContain('本地测试链上一段脚本化的模拟历史');
    expect(zh).toContain('团队归属（归属合约）');
    expect(zh).toContain('团队归属（悬崖期之后）');
    expect(zh).not.toContain('A scripted, simulated history');
    expect(zh).not.toContain('Team vesting');
    expect(zh).not.toContain('team vesting, after its cliff');
    // The English page keeps the file's own English, and marks none of it as another language.
    const en = await html('/tokens/opgsim/');
    expect(en).toMatch(/<h1>\s*<span>OpenGradient \(simulated demo\)<\/span> \(\$OPGSIM\)\s*<\/h1>/);
    expect(en).toContain('Team vesting (vesting)');
    expect(/<main[\s\S]*<\/main>/.exec(en)?.[0]).not.toMatch(/lang="zh/);
  });

  it('gives every region and navigation landmark of the token page a name of its own', async () => {
    for (const path of ['/tokens/opgsim/', '/zh/tokens/opgsim/']) {
      const page = await html(path);
      const names = [...page.matchAll(/<(?:div|section|nav)\b[^>]*\brole="region"[^>]*>|<nav\b[^>]*>/g)].map(
        ([tag]) => /aria-label="([^"]*)"/.exec(tag)?.[1] ?? '',
      );
      // The figures and whales tables, four chart tables, the scope switch and the site's menu at least.
      expect(names.length, path).toBeGreaterThanOrEqual(8);
      expect(
        names.filter((n) => n === ''),
        path,
      ).toEqual([]);
      expect(new Set(names).size, `${path}: ${names.join(' | ')}`).toBe(names.length);
    }
  });
});

describe('the tokens index', () => {
  it.each([
    ['en', '/tokens/', 'Tokens', 'Latest snapshot 15 Nov 2026'],
    ['zh', '/zh/tokens/', '代币', '最新快照：2026年11月15日'],
  ] as const)(
    'in %s lists each token with its latest snapshot date and links to its page',
    async (_, path, title, latest) => {
      const page = await html(path);
      expect(page).toMatch(new RegExp(`<h1>${title}</h1>`));
      const cards = [...page.matchAll(/<li class="post-card token-card" data-token="([^"]+)">([\s\S]*?)<\/li>/g)];
      expect(cards.map(([, symbol]) => symbol)).toEqual(['OPG', 'OPGSIM']);
      for (const [, symbol = '', card = ''] of cards) {
        expect(card).toContain(`href="${path}${symbol.toLowerCase()}/"`);
        // Both have holder exports here (OPG before its address is public): the date of the latest, and its figures.
        expect(card).toMatch(new RegExp(`data-latest-snapshot[^>]*>${latest}<`));
      }
      // OPG's latest export has 3 holders; the top ten hold all of it.
      expect(cards[0]?.[2]).toMatch(/<dd>\s*3\s*<svg/);
      expect(cards[0]?.[2]).toContain('100.00%');
      // The sparkline says what it draws.
      expect(cards[0]?.[2]).toMatch(/<svg[^>]*role="img"[^>]*aria-label="[^"]+"/);
    },
  );

  it('is in the site menu of every page, in both languages, and marked current on itself', async () => {
    for (const [path, href] of [
      ['/', '/tokens/'],
      ['/about/', '/tokens/'],
      ['/tokens/opgsim/', '/tokens/'],
      ['/zh/', '/zh/tokens/'],
      ['/zh/tokens/opg/', '/zh/tokens/'],
    ] as const) {
      const nav = /<nav class="site-nav"[\s\S]*?<\/nav>/.exec(await html(path))?.[0] ?? '';
      expect(nav, path).toMatch(new RegExp(`<a href="${href}"[^>]*>\\s*(Tokens|代币)\\s*</a>`));
    }
    expect(await html('/tokens/')).toMatch(/<a href="\/tokens\/" aria-current="page">\s*Tokens\s*<\/a>/);
  });

  it('answers 404 for a language the site does not have', async () => {
    expect((await fetch(`${server.url}/fr/tokens/`)).status).toBe(404);
  });
});
