import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * The owners on the demo token's page as readers see them: every figure by address and by owner, the sentences
 * that say what counting by owner changes, the largest multi-wallet owners and why their wallets were grouped.
 * Light and dark, phone and desktop, English and Chinese, with and without JavaScript (the "why grouped" lists are
 * <details>, which open without it).
 */
const env = serverAndBrowser();

const CASES = [
  {
    path: '/tokens/opgsim/',
    colorScheme: 'light',
    width: 1280,
    height: 900,
    js: true,
    why: 'got its first tokens from',
  },
  {
    path: '/tokens/opgsim/',
    colorScheme: 'dark',
    width: 390,
    height: 844,
    js: false,
    why: 'got its first tokens from',
  },
  { path: '/zh/tokens/opgsim/', colorScheme: 'dark', width: 1280, height: 900, js: true, why: '的第一笔代币来自' },
  { path: '/zh/tokens/opgsim/', colorScheme: 'light', width: 390, height: 844, js: true, why: '的第一笔代币来自' },
] as const;

describe('owners, not addresses, on the token page', () => {
  it.each(CASES)(
    '$path, $colorScheme, $width px, JavaScript $js',
    async ({ path, colorScheme, width, height, js, why }) => {
      const context = await env.browser.newContext({ colorScheme, viewport: { width, height }, javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${path}`);
      const block = page.locator('[data-owners]');
      await block.scrollIntoViewIfNeeded();
      // Each address-level figure with its by-owner twin: three scopes, two columns each, a row per measure.
      const cells = await page.locator('.owner-figures tbody tr').first().locator('td').count();
      expect(cells).toBe(6);
      await expect(page.locator('.owner-sentences li').count()).resolves.toBe(3);
      // The owners' rows, then a "why grouped" list under each that opens to show the links and their blocks.
      const owners = page.locator('.entities tr[data-owner]');
      expect(await owners.count()).toBeGreaterThanOrEqual(3);
      const reasons = page.locator('.entities details.reasons').nth(1);
      await reasons.locator('summary').click();
      await expect(reasons.locator('li').first().innerText()).resolves.toContain(why);
      await expect(page.locator('.owner-history tbody tr').count()).resolves.toBe(14);
      // The page itself never scrolls sideways; wide tables scroll in their own region.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const name = `${path.startsWith('/zh') ? 'zh' : 'en'}-${colorScheme}-${width}${js ? '' : '-nojs'}`;
      for (const [part, selector] of [
        ['figures', '#owners'],
        ['entities', '#owner-entities'],
      ] as const) {
        await page.evaluate((id) => document.querySelector(id)?.scrollIntoView({ block: 'start' }), selector);
        await page.screenshot({ path: screenshotPath(`owners-${part}-${name}`) });
      }
      await context.close();
    },
  );
});
