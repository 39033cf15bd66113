import { describe, expect, it } from 'vitest';
import { paintedPixels, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

// The demo as npm start shows it: OPGSIM's snapshots and its token file's unlocks (two cliffs, one linear).
const env = serverAndBrowser();

describe('unlock schedules in Chromium', () => {
  it('charts unlocked supply over time on the token page and names the next unlock, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1000, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/tokens/opgsim/`);
      const figure = page.locator('figure:has(canvas[data-chart="unlocks"])');
      await figure.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => {
        const c = document.querySelector('canvas[data-chart="unlocks"]') as HTMLCanvasElement | null;
        return c !== null && c.width > 0;
      });
      // Chart.js paints after the canvas is sized, later on a busy machine: wait for the paint, not a fixed time.
      await expect
        .poll(async () => (await paintedPixels(page, 'canvas[data-chart="unlocks"]'))[0], { timeout: 10_000 })
        .toBeGreaterThan(500);
      // After 13 April 2027 everything has unlocked; before, the linear schedule is vesting (the test runs in 2026).
      await expect(figure.locator('[data-unlock-next]').innerText()).resolves.toMatch(
        /tokens unlocked so far\. (Vesting now \(team vesting, after its cliff\): about [\d,]+ tokens a day until 13 Apr 2027\.|Next unlock: .+\.|Nothing is left to unlock\.)/,
      );
      const rows = (await figure.locator('tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ' '));
      expect(rows).toHaveLength(3);
      expect(rows[2]).toMatch(
        /13 Oct 2026 – 13 Apr 2027 \(cliff 10 Nov 2026\)\s*linear\s*team vesting, after its cliff\s*30,000,000/,
      );
      await figure.screenshot({ path: screenshotPath(`unlocks-${colorScheme}`) });
      await context.close();
    }
  });

  it('marks each unlock on the sentiment-vs-chain chart of the demo post, with the table naming it', async () => {
    const context = await env.browser.newContext({ viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opgsim-demo/`);
    const embed = page.locator('figure.chain-embed', { hasText: 'Readers’ answers beside' });
    await expect.poll(() => embed.count(), { timeout: 10_000 }).toBe(1);
    await embed.scrollIntoViewIfNeeded();
    await expect.poll(() => embed.locator('.chart-legend').count(), { timeout: 10_000 }).toBe(1);
    await expect(embed.locator('.chart-legend').innerText()).resolves.toContain('Unlock (dotted line)');
    const unlockCells = (await embed.locator('tbody tr td:last-child').allTextContents())
      .map((t) => t.trim())
      .filter((t) => t !== '');
    expect(unlockCells).toEqual([
      'launch: treasury and early backers: 20,000,000 tokens unlock',
      'team cliff: 15,000,000 tokens unlock',
      // 28 of the 182 days from 13 October to 13 April accrue by the 10 November cliff.
      `team vesting, after its cliff: ${Math.round((30_000_000 * 28) / 182).toLocaleString('en-US')} tokens unlock`,
    ]);
    await embed.screenshot({ path: screenshotPath('sentiment-vs-chain-unlocks') });
    await context.close();
  });
});
