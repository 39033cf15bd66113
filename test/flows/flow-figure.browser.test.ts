import { describe, expect, it } from 'vitest';
import { paintedCharts, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * The flow figures on the demo token's page, as readers see them: who accumulates (with its cumulative chart
 * and the matrix between groups), where the rewards go, what unlocked tokens do, and exchange flows. Light and
 * dark, phone and desktop, English and Chinese, with and without JavaScript. The demo keeps every transfer, so
 * each figure is from transfers and says which blocks.
 */
const env = serverAndBrowser();

const CASES = [
  { path: '/tokens/opgsim/', colorScheme: 'light', width: 1280, height: 900, js: true, source: 'transfers between' },
  { path: '/tokens/opgsim/', colorScheme: 'dark', width: 390, height: 844, js: true, source: 'transfers between' },
  { path: '/zh/tokens/opgsim/', colorScheme: 'dark', width: 1280, height: 900, js: true, source: '笔转账' },
  { path: '/zh/tokens/opgsim/', colorScheme: 'light', width: 390, height: 844, js: false, source: '笔转账' },
] as const;

const SECTIONS = ['#flows', '#rewards', '#unlock-flows', '#exchange-flows'] as const;

describe('the flow figures, on the token page', () => {
  it.each(CASES)(
    '$path, $colorScheme, $width px, JavaScript $js',
    async ({ path, colorScheme, width, height, js, source }) => {
      const context = await env.browser.newContext({ colorScheme, viewport: { width, height }, javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${path}`);
      const table = page.locator('table[data-flows]');
      await table.scrollIntoViewIfNeeded();
      await expect(table.getAttribute('data-kind')).resolves.toBe('transfers');
      const groups = await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group')));
      expect(groups).toEqual(expect.arrayContaining(['whale', 'insiders', 'new']));
      await expect(page.locator('#flows ~ .chart-source').first().innerText()).resolves.toContain(source);
      // The figures' own API is linked, for the window and scope shown.
      const api = await page.locator('#flows ~ p.meta a').first().getAttribute('href');
      expect(api).toMatch(/^\/api\/tokens\/opgsim\/flows\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&scope=all$/);
      const answer = (await (await fetch(`${env.server.url}${api}`)).json()) as { groups: unknown[] };
      expect(answer.groups).toHaveLength(groups.length);
      expect(await page.locator('[data-flows-matrix] tbody tr').count()).toBeGreaterThan(2);

      // Figures 2–4: a row a week of rewards (the table shows the latest thirteen), one per unlock, the latest days.
      await expect(page.locator('[data-rewards] tbody tr').count()).resolves.toBe(13);
      await expect(page.locator('[data-unlock-flows] tbody tr').count()).resolves.toBe(3);
      expect(await page.locator('[data-exchange-days] tbody tr').count()).toBeGreaterThan(5);
      await expect(page.locator('[data-needs-transfers]').count()).resolves.toBe(0);
      // Every figure says where it comes from: the blocks read, and the snapshot they stand at.
      const sources = await page.locator('flow-charts .chart-source').allInnerTexts();
      expect(sources).toHaveLength(4);
      const blocks = sources.slice(1).map((s) =>
        s
          .match(/\d[\d,]*/g)
          ?.slice(0, 2)
          .join('–'),
      );
      expect(new Set(blocks).size).toBe(1);
      const rewardsApi = await page.locator('#rewards ~ p.meta a').first().getAttribute('href');
      const rewards = (await (await fetch(`${env.server.url}${rewardsApi}`)).json()) as { periods: unknown[] };
      expect(rewards.periods.length).toBeGreaterThanOrEqual(13);

      if (js) {
        const painted = await paintedCharts(page, 'flow-charts canvas', 4);
        expect(painted).toHaveLength(4);
      } else {
        // Without JavaScript the tables carry the figures, and no empty chart frame is left behind.
        const shown = await page
          .locator('flow-charts figure.chart')
          .evaluateAll((figures) => figures.filter((f) => getComputedStyle(f).display !== 'none').length);
        expect(shown).toBe(0);
      }
      // On a phone each table fits or scrolls inside its own region: the page itself never scrolls sideways.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const name = `${path.startsWith('/zh') ? 'zh' : 'en'}-${colorScheme}-${width}${js ? '' : '-nojs'}`;
      for (const section of SECTIONS) {
        await page.locator(section).scrollIntoViewIfNeeded();
        await page.evaluate((id) => document.querySelector(id)?.scrollIntoView({ block: 'start' }), section);
        await page.screenshot({ path: screenshotPath(`flows-${section.slice(1)}-${name}`) });
      }
      await context.close();
    },
  );
});
