import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * "Who accumulates" on the demo token's page, as readers see it: light and dark, phone and desktop, English
 * and Chinese, with and without JavaScript. The demo's snapshots carry no transfers, so the figure says it is a
 * net change between snapshots, not a flow.
 */
const env = serverAndBrowser();

const CASES = [
  { path: '/tokens/opgsim/', colorScheme: 'light', width: 1280, height: 900, js: true, source: 'not a flow' },
  { path: '/tokens/opgsim/', colorScheme: 'dark', width: 390, height: 844, js: true, source: 'not a flow' },
  { path: '/zh/tokens/opgsim/', colorScheme: 'dark', width: 1280, height: 900, js: true, source: '不是流动' },
  { path: '/zh/tokens/opgsim/', colorScheme: 'light', width: 390, height: 844, js: false, source: '不是流动' },
] as const;

describe('who accumulates, on the token page', () => {
  it.each(CASES)(
    '$path, $colorScheme, $width px, JavaScript $js',
    async ({ path, colorScheme, width, height, js, source }) => {
      const context = await env.browser.newContext({ colorScheme, viewport: { width, height }, javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${path}`);
      const table = page.locator('table.flows');
      await table.scrollIntoViewIfNeeded();
      await expect(table.getAttribute('data-kind')).resolves.toBe('net');
      const groups = await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group')));
      expect(groups.length).toBeGreaterThan(2);
      expect(groups).toContain('whale');
      await expect(page.locator('#flows ~ .chart-source').first().innerText()).resolves.toContain(source);
      // The figures' own API is linked, for the window and scope shown.
      const api = await page.locator('#flows ~ p.meta a').first().getAttribute('href');
      expect(api).toMatch(/^\/api\/tokens\/opgsim\/flows\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&scope=all$/);
      const answer = await (await fetch(`${env.server.url}${api}`)).json();
      expect((answer as { groups: unknown[] }).groups).toHaveLength(groups.length);
      // On a phone the table fits or scrolls inside its own region: the page itself never scrolls sideways.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.locator('#flows').scrollIntoViewIfNeeded();
      await page.screenshot({
        path: screenshotPath(
          `flows-${path.startsWith('/zh') ? 'zh' : 'en'}-${colorScheme}-${width}${js ? '' : '-nojs'}`,
        ),
      });
      await context.close();
    },
  );
});
