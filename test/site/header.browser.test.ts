import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * The header every page shares, as a reader on a phone and on a desktop sees
 * it: the menu (with the tokens index) on one line, the account and language
 * links beside the brand on a phone, the skip link out of sight until it is
 * focused, and no console warning from the site's own headers.
 */
const env = serverAndBrowser();

const DEVICES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const;

/** The top of each box, rounded: boxes on one line share it. */
async function tops(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
}

describe('the site header', () => {
  for (const [lang, home, tokens, words] of [
    ['en', '/', '/tokens/', ['Research', 'Polls', 'Tokens', 'Topics', 'About']],
    ['zh', '/zh/', '/zh/tokens/', ['研究', '投票', '代币', '话题', '关于']],
  ] as const) {
    it(`fits a phone and a desktop in ${lang}: the menu on one line, linking the tokens index`, async () => {
      for (const colorScheme of ['dark', 'light'] as const) {
        for (const [device, options] of Object.entries(DEVICES)) {
          const context = await env.browser.newContext({ ...options, colorScheme });
          const page = await context.newPage();
          const warnings: string[] = [];
          page.on('console', (m) => {
            if (/Permissions-Policy|Unrecognized feature/i.test(m.text())) warnings.push(m.text());
          });
          await page.goto(`${env.server.url}${home}`);
          await expect(page.locator('.site-nav a').allInnerTexts()).resolves.toEqual(words);
          expect(new Set(await tops(page, '.site-nav a')).size, `${device} ${colorScheme}`).toBe(1);
          const header = await page.locator('.site-header').boundingBox();
          const width = options.viewport.width;
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          if (device === 'phone') {
            // Brand, account and language on the first line; the menu below them; search below that.
            const [brand = 0, account = 0, language = 0] = await tops(page, '.brand, .account-link, .lang-switch');
            expect(Math.abs(account - brand)).toBeLessThan(12);
            expect(Math.abs(language - brand)).toBeLessThan(12);
            const [menu = 0] = await tops(page, '.site-nav');
            const [search = 0] = await tops(page, '.site-search');
            expect(menu).toBeGreaterThan(brand);
            expect(search).toBeGreaterThan(menu);
            // Three lines at most: brand, menu, search.
            expect(header?.height ?? 999).toBeLessThan(170);
          } else {
            // One line on a desktop: every item's middle within a few pixels of the brand's.
            const middles = await page
              .locator('.brand, .site-nav a, .site-search, .account-link, .lang-switch')
              .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => r.top + r.height / 2));
            expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(6);
            expect(header?.height ?? 999).toBeLessThan(80);
          }
          await page
            .locator('.site-header')
            .screenshot({ path: screenshotPath(`header-${lang}-${device}-${colorScheme}`) });
          await page.locator('.site-nav a', { hasText: words[2] }).click();
          await page.waitForURL(`${env.server.url}${tokens}`);
          await expect(page.locator('h1').innerText()).resolves.toBe(words[2]);
          await expect(page.locator('.site-nav a[aria-current="page"]').innerText()).resolves.toBe(words[2]);
          expect(warnings).toEqual([]);
          await context.close();
        }
      }
    });

    it(`keeps the skip link wholly out of sight until it is focused, in ${lang}`, async () => {
      const context = await env.browser.newContext(DEVICES.phone);
      const page = await context.newPage();
      await page.goto(`${env.server.url}${home}`);
      const link = page.locator('.skip-link');
      // Not one pixel inside the page (the Chinese line height once left a sliver at the top).
      const hidden = await link.boundingBox();
      expect((hidden?.y ?? 0) + (hidden?.height ?? 0)).toBeLessThanOrEqual(0);
      await page.keyboard.press('Tab');
      await expect(link.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      const shown = await link.boundingBox();
      expect(shown?.y ?? -1).toBeGreaterThanOrEqual(0);
      await context.close();
    });
  }
});
