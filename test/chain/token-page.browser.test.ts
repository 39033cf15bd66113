import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { paintedCharts, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';
import { importSnapshots, testAddress } from '../helpers/snapshots.ts';

// Its own OPGSIM snapshots, not the demo's.
const env = serverAndBrowser({ env: { DEMO_FIXTURE: 'none' } });
const holder = (i: number): string => testAddress(i + 0x5000);
const crowd = (length: number, balance: (i: number) => number, from = 3): [string, number][] =>
  Array.from({ length }, (_, i) => [holder(from + i), balance(i)]);

beforeAll(() => {
  const rows = (balances: number[]): [string, number][] => balances.map((b, i) => [holder(i), b]);
  // Three snapshots from holder exports: supply spreading out over time.
  importSnapshots(env.server.databaseUrl, 'OPG', [
    [100, '2026-10-01', rows([5000, 3000, 1000, ...Array.from({ length: 40 }, () => 25)])],
    [200, '2026-10-15', rows([4000, 2500, 1200, ...Array.from({ length: 120 }, () => 19)])],
    [300, '2026-11-01', rows([3000, 2000, 1500, ...Array.from({ length: 300 }, (_, i) => 10 + (i % 7))])],
  ]);
  // OPGSIM's token file labels a vesting contract, a treasury and an exchange, so the three scopes differ. Among
  // circulating holders (about 9.7M tokens) the whales hold about 97%, the 200 shrimp about 0.04%.
  const labelled = (vesting: number): [string, number][] => [
    [testAddress(0xfeed), vesting],
    [testAddress(0xcafe), 12_000_000],
    [testAddress(0xe0e0e), 50_000],
  ];
  const whales = rows([4_000_000, 3_000_000, 2_500_000]);
  const dolphins = crowd(60, () => 2000);
  const fish = crowd(100, () => 300, 63);
  const shrimp = crowd(200, () => 20, 163);
  importSnapshots(env.server.databaseUrl, 'OPGSIM', [
    [100, '2026-10-01', [...labelled(20_000_000), ...whales]],
    [200, '2026-10-15', [...labelled(18_000_000), ...whales, ...dolphins, ...fish]],
    [300, '2026-11-01', [...labelled(15_000_000), ...whales, ...dolphins, ...fish, ...shrimp]],
  ]);
});

/** Scrolls the charts into view and waits until all `count` canvases have been painted. */
const chartsDrawn = (page: Page, count: number): Promise<number[]> => paintedCharts(page, 'token-charts canvas', count);

/** The figures table's column headers and one row, as a reader sees them. */
async function figuresRow(page: Page, label: string): Promise<string[]> {
  return page
    .locator('table.figures tr', { has: page.locator(`th:text-is("${label}")`) })
    .locator('td')
    .allInnerTexts();
}

describe('token page in Chromium', () => {
  it('draws concentration, holders, cohort counts and shares and Lorenz charts with their source, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1000, height: 700 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/tokens/opg/`);
      await expect(page.locator('.chart-source').first().innerText()).resolves.toContain('holder export');
      const painted = await chartsDrawn(page, 5);
      expect(painted.length).toBe(5);
      expect(painted.every((n) => n > 500)).toBe(true);
      const rows = await page.locator('#whales + .table-scroll tbody tr').count();
      expect(rows).toBe(20);
      await page.screenshot({ path: screenshotPath(`token-page-${colorScheme}`), fullPage: true });
      await context.close();
    }
  });

  it('shows every figure for all holders, without custodians and circulating, and charts the scope chosen', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/tokens/opgsim/`);
      await expect(page.locator('table.figures thead th').allInnerTexts()).resolves.toEqual([
        'Measure',
        'All holders',
        'Without custodians',
        'Circulating',
      ]);
      // 366 holders; the exchange out; the vesting contract and the treasury out too.
      await expect(figuresRow(page, 'Holders')).resolves.toEqual(['366', '365', '363']);
      await expect(page.locator('.scopes').innerText()).resolves.toMatch(/team, treasury or vesting/);
      await expect(page.locator('.whales tbody tr').first().innerText()).resolves.toMatch(/Team vesting.*left out/s);

      await page.getByRole('link', { name: 'Circulating', exact: true }).click();
      await page.waitForURL(/\?scope=circulating#charts$/);
      await expect(page.locator('[aria-current="true"]').innerText()).resolves.toBe('Circulating');
      const painted = await chartsDrawn(page, 6);
      // Concentration, holders, cohort counts, cohort shares, Lorenz and the unlock schedule.
      expect(painted).toHaveLength(6);
      expect(painted.every((n) => n > 500)).toBe(true);
      const counts = page.locator('figure:has(canvas[data-chart="cohort-counts"])');
      await expect(counts.locator('figcaption').innerText()).resolves.toBe(
        'Holders in each cohort, on a log scale (circulating)',
      );
      await expect(counts.locator('.chart-legend').innerText()).resolves.toMatch(
        /whale: 3 now.*dolphin: 60 now.*fish: 100 now.*shrimp: 200 now/s,
      );
      const shares = page.locator('figure:has(canvas[data-chart="cohort-shares"]) .chart-legend');
      // The shrimp's slice is small, and the legend prints it rather than leaving it to the eye.
      await expect(shares.innerText()).resolves.toMatch(/shrimp: (\d\.\d\d|< 0\.01)% now/);
      await counts.locator('summary').click();
      expect(await counts.locator('tbody tr').count()).toBe(3);
      await page.screenshot({ path: screenshotPath(`token-page-circulating-${colorScheme}`), fullPage: true });
      await context.close();
    }
  });

  it('works without JavaScript: every scope in the tables, the scope links, no empty chart boxes', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/tokens/opgsim/`);
    await expect(figuresRow(page, 'Holders')).resolves.toEqual(['366', '365', '363']);
    expect(await page.locator('.chart-box:visible').count()).toBe(0);
    await page.getByRole('link', { name: 'Without custodians' }).click();
    await page.waitForURL(/\?scope=excludingLabelled#charts$/);
    const counts = page.locator('figure:has(canvas[data-chart="cohort-counts"])');
    await counts.locator('summary').click();
    await expect(counts.locator('thead th').allInnerTexts()).resolves.toContain('shrimp: holders');
    expect(await counts.locator('tbody tr').count()).toBe(3);
    await page.screenshot({ path: screenshotPath('token-page-no-js-phone'), fullPage: true });
    await context.close();
  });

  it('names every region and navigation landmark once, as a screen reader lists them, in both languages', async () => {
    for (const path of ['/tokens/opgsim/', '/zh/tokens/opgsim/']) {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${path}`);
      // The chart tables fold away: open them, so their regions are in the tree a screen reader walks.
      await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const tree = await page.locator('body').ariaSnapshot();
      // A name with a colon comes quoted in YAML: - 'region "Table: …"'.
      const landmarks = [...tree.matchAll(/- '?(region|navigation)(?: "([^"]*)")?/g)].map(([, role, name]) => ({
        role,
        name: name ?? '',
      }));
      // The sections, the figures and whales tables, four chart tables, the scope switch and the site's menu.
      expect(landmarks.length, tree).toBeGreaterThanOrEqual(10);
      expect(landmarks.filter((l) => l.name === '')).toEqual([]);
      const names = landmarks.map((l) => `${l.role} ${l.name}`);
      expect(new Set(names).size, names.join('\n')).toBe(names.length);
      await context.close();
    }
  });

  it('is listed on the tokens index with its latest snapshot, and the index leads to it, on a phone', async () => {
    for (const [path, latest] of [
      ['/tokens/', 'Latest snapshot 1 Nov 2026'],
      ['/zh/tokens/', '最新快照：2026年11月1日'],
    ] as const) {
      const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${path}`);
      const card = page.locator('[data-token="OPGSIM"]');
      await expect(card.locator('[data-latest-snapshot]').innerText()).resolves.toBe(latest);
      await expect(page.locator('[data-token="OPG"] [data-latest-snapshot]').innerText()).resolves.toBe(latest);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: screenshotPath(`tokens-index-${path.length > 8 ? 'zh' : 'en'}`), fullPage: true });
      await card.locator('h2 a').click();
      await page.waitForURL(`${env.server.url}${path}opgsim/`);
      await expect(page.locator('h1').innerText()).resolves.toContain('($OPGSIM)');
      await context.close();
    }
  });

  it('says there is no data for a token without an address, and 404s an unknown symbol', async () => {
    const res = await fetch(`${env.server.url}/tokens/zzz/`);
    expect(res.status).toBe(404);
    const btc = await (await fetch(`${env.server.url}/tokens/btc/`)).text();
    expect(btc).toContain('We do not track $BTC on-chain');
  });
});

describe('charts embedded in a post', () => {
  it('draws readers’ answers beside the on-chain measure, and a token measure on its own, with tables', async () => {
    await fetch(`${env.server.url}/api/polls/opg-distribution-retail/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: env.server.url },
      body: JSON.stringify({ optionIds: ['toward-whales'] }),
    });
    const context = await env.browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
    const embeds = page.locator('figure.chain-embed');
    await expect.poll(() => embeds.count(), { timeout: 5000 }).toBe(2);
    await expect(embeds.nth(0).locator('figcaption').innerText()).resolves.toContain('Readers’ answers beside');
    await expect(embeds.nth(0).locator('.chart-source').first().innerText()).resolves.toContain('holder export');
    for (const i of [0, 1]) {
      await embeds.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (n) => Boolean(document.querySelectorAll('figure.chain-embed')[n]?.querySelector('.chart-legend')),
        i,
      );
    }
    const tableRows = await embeds.nth(1).locator('tbody tr').count();
    expect(tableRows).toBe(3);
    await embeds.nth(0).screenshot({ path: screenshotPath('sentiment-vs-chain') });
    await context.close();
  });
});
