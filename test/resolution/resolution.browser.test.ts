import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotPath, type TestBrowser } from '../helpers/browser.ts';
import { OPEN_INPUT, POLL, seedResolvingPolls } from '../helpers/resolution.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

let server: TestServer;
let browser: TestBrowser;
let cleanup: () => void;

beforeAll(async () => {
  const { db, url, dispose } = await tempDatabase();
  const dir = await seedResolvingPolls(db, url);
  [server, browser] = await Promise.all([
    startServer({ databaseUrl: url, env: { POLLS_DIR: dir, DEMO_FIXTURE: 'none' }, timeoutMs: 60_000 }),
    launchBrowser(),
  ]);
  cleanup = () => {
    dispose();
    rmSync(dir, { recursive: true, force: true });
  };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  cleanup?.();
});

describe('polls that resolve, in Chromium', () => {
  it('shows a resolved poll and a pending one, light and dark, phone and desktop, without JavaScript', async () => {
    const backgrounds = new Set<string>();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, width] of [
        ['desktop', 1000],
        ['phone', 360],
      ] as const) {
        const context = await browser.newContext({
          colorScheme,
          viewport: { width, height: 800 },
          javaScriptEnabled: false,
        });
        const page = await context.newPage();
        await page.goto(`${server.url}/polls/${POLL.id}/`);
        const panel = page.locator('[data-resolution="resolved"]');
        await expect(panel.locator('h2').innerText()).resolves.toBe('Resolved by the chain');
        await expect(panel.locator('.resolution-outcome').innerText()).resolves.toMatch(
          /^The chain picked Less: the top-10 share of the whole supply fell from 90\.9% to 84\.0%\.$/,
        );
        const rows = await panel.locator('[data-resolution-accuracy] tbody tr').allInnerTexts();
        expect(rows[0]).toMatch(/^One ballot, one vote\s+4\s+6\s+67%$/);
        expect(rows[1]).toMatch(/^One wallet, one vote\s+1\s+2\s+50%$/);
        expect(rows.some((r) => /fewer than 5 voters/.test(r))).toBe(true);
        // Nothing runs sideways off a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await panel.screenshot({ path: screenshotPath(`resolution-resolved-${colorScheme}-${device}`) });
        backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));

        await page.goto(`${server.url}/polls/${OPEN_INPUT.id}/`);
        const pending = page.locator('[data-resolution="pending"]');
        await expect(pending.locator('h2').innerText()).resolves.toBe('Resolves on 1 Feb 2099');
        await expect(pending.innerText()).resolves.toContain('Voting is still open.');
        await expect(pending.locator('.resolution-snapshots').innerText()).resolves.toMatch(
          /From\s+block 100, 20 Dec 2025: 90\.9%\s+Source: CSV file opg-100\.csv \(SHA-256 [0-9a-f]{64}\)\s+Latest\s+block 200, 5 Mar 2026: 84\.0% \(−6\.9 points so far\)\s+Source: CSV file opg-200\.csv/,
        );
        expect(await pending.locator('[data-resolution-accuracy]').count()).toBe(0);
        await pending.screenshot({ path: screenshotPath(`resolution-pending-${colorScheme}-${device}`) });
        await context.close();
      }
    }
    // Light and dark really differ.
    expect(backgrounds.size).toBe(2);
  }, 120_000);

  it('lists the settled poll in the track record of /polls/ and of its token page, with who called it best', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        colorScheme,
        viewport: { width: 360, height: 800 },
        javaScriptEnabled: false,
      });
      const page = await context.newPage();
      for (const [name, path] of [
        ['polls', '/polls/'],
        ['token', '/tokens/OPG/'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        const record = page.locator('[data-track-record]');
        // Only the settled poll: the open one has no outcome yet.
        const polls = await record.locator('[data-track-record-polls] tbody tr').allInnerTexts();
        expect(polls).toHaveLength(1);
        expect(polls[0]).toMatch(/^Will the ten largest holders hold less by March\?\s+Less\s+Less\s+67%$/);
        const pooled = await record.locator('[data-track-record-pooled] tbody tr').allInnerTexts();
        expect(pooled[0]).toMatch(/^One ballot, one vote\s+1\s+4 \/ 6\s+67%$/);
        expect(pooled[1]).toMatch(/^One wallet, one vote\s+1\s+1 \/ 2\s+50%$/);
        expect(pooled[2]).toMatch(/^Not verified\s+1\s+3 \/ 4\s+75%$/);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await record.screenshot({ path: screenshotPath(`track-record-${name}-${colorScheme}-phone`) });
      }
      await context.close();
    }
  }, 120_000);
});
