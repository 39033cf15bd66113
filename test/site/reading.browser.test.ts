import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

const env = serverAndBrowser();

describe('a reader', () => {
  it('goes from the home page to the article and finds working cashtag links', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/`);
    await page.screenshot({ path: screenshotPath('home-mobile-light'), fullPage: true });

    await page.getByRole('link', { name: /liquidity ghost/i }).click();
    await page.waitForURL(/\/posts\/opg-liquidity-ghost\/$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('The liquidity ghost');
    expect(await page.title()).toContain('The liquidity ghost');

    const cashtags = page.locator('.prose a.cashtag');
    const hrefs = await cashtags.evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(hrefs).toEqual(
      expect.arrayContaining([
        ['$OPG', '/tokens/opg/'],
        ['$BTC', '/tokens/btc/'],
        ['$ETH', '/tokens/eth/'],
      ]),
    );
    await page.screenshot({ path: screenshotPath('article-mobile-light'), fullPage: true });

    await page.locator('.prose a.cashtag', { hasText: '$OPG' }).first().click();
    await page.waitForURL(/\/tokens\/opg\/$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('OPG');
    await context.close();
  });

  it.each([
    ['light', 1280],
    ['dark', 1280],
    ['dark', 360],
  ] as const)('sees the article in %s mode at %i px without sideways scrolling', async (colorScheme, width) => {
    const context = await env.browser.newContext({ viewport: { width, height: 900 }, colorScheme });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-liquidity-ghost/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(18, 20, 19)' : 'rgb(251, 250, 247)');
    await page.screenshot({ path: screenshotPath(`article-${width}-${colorScheme}`), fullPage: true });
    await page.goto(`${env.server.url}/`);
    await page.screenshot({ path: screenshotPath(`home-${width}-${colorScheme}`), fullPage: true });
    await context.close();
  });
});
