import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { paintedPixels, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = serverAndBrowser();

beforeAll(() => {
  // Three snapshots from holder exports: supply spreading out over time.
  const csv = join(tmpdir(), `token-page-${process.pid}.csv`);
  const holder = (i: number): string => `0x${(i + 0x5000).toString(16).padStart(40, '0')}`;
  const history: [number, string, number[]][] = [
    [100, '2026-10-01', [5000, 3000, 1000, ...Array.from({ length: 40 }, () => 25)]],
    [200, '2026-10-15', [4000, 2500, 1200, ...Array.from({ length: 120 }, () => 19)]],
    [300, '2026-11-01', [3000, 2000, 1500, ...Array.from({ length: 300 }, (_, i) => 10 + (i % 7))]],
  ];
  for (const [block, date, balances] of history) {
    writeFileSync(csv, `address,balance\n${balances.map((b, i) => `${holder(i)},${b}`).join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      ['scripts/snapshot-import.ts', 'OPG', csv, '--block', String(block), '--date', date],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: env.server.databaseUrl },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(run.stderr);
  }
});

describe('token page in Chromium', () => {
  it('draws concentration, holders, cohorts and Lorenz charts with their source, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1000, height: 700 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/tokens/opg/`);
      await expect(page.locator('.chart-source').first().innerText()).resolves.toContain('holder export');
      await page.locator('token-charts').scrollIntoViewIfNeeded();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('token-charts canvas')].every((c) => (c as HTMLCanvasElement).width > 0),
      );
      await page.waitForTimeout(300);
      const painted = await paintedPixels(page, 'token-charts canvas');
      expect(painted.length).toBe(4);
      expect(painted.every((n) => n > 500)).toBe(true);
      const rows = await page.locator('#whales + .table-scroll tbody tr').count();
      expect(rows).toBe(20);
      await page.screenshot({ path: screenshotPath(`token-page-${colorScheme}`), fullPage: true });
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
