import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

const env = serverAndBrowser();
const POST = '/posts/opg-liquidity-ghost/';

describe('long-form niceties in Chromium', () => {
  it('links a footnote and back, GFM style', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}${POST}`);
    const ref = page.locator('[data-footnote-ref]');
    await expect(ref.count()).resolves.toBe(1);
    await ref.click();
    await page.waitForURL(/#user-content-fn-carried$/);
    const note = page.locator('#user-content-fn-carried');
    await expect(note.innerText()).resolves.toContain('closed with three votes');
    await note.screenshot({ path: screenshotPath('footnote') });
    await note.locator('[data-footnote-backref]').click();
    await page.waitForURL(/#user-content-fnref-carried$/);
    await context.close();
  });

  it('fills the reading-progress bar as the reader scrolls, with no script of its own', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 390, height: 700 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
      const scale = () =>
        page.locator('.reading-progress').evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
      expect(await scale()).toBeLessThan(0.05);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
      // The bar follows on the next frame, later on a loaded machine.
      await expect.poll(scale, { timeout: 10_000 }).toBeGreaterThan(0.3);
      expect(await scale()).toBeLessThan(0.7);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect.poll(scale, { timeout: 10_000 }).toBeGreaterThan(0.95);
      await page.screenshot({ path: screenshotPath(`reading-progress-${colorScheme}`) });
      await context.close();
    }
  });

  it('shares by plain links, and copies the link where a script can', async () => {
    const context = await env.browser.newContext({ permissions: ['clipboard-write'] });
    // The site's Permissions-Policy denies clipboard-read (it never reads the clipboard), so the test records what
    // the page writes instead of reading it back.
    await context.addInitScript(() => {
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = (text: string) => {
        (window as unknown as { __copied: string }).__copied = text;
        return write(text);
      };
    });
    const copied = (): Promise<string | undefined> =>
      page.evaluate(() => (window as unknown as { __copied?: string }).__copied);
    const page = await context.newPage();
    await page.goto(`${env.server.url}${POST}`);
    const share = page.locator('share-links');
    const url = await share.getAttribute('data-url');
    expect(url).toMatch(/\/posts\/opg-liquidity-ghost\/$/);
    const x = new URL((await share.locator('a', { hasText: 'X' }).getAttribute('href')) ?? '');
    expect([x.origin + x.pathname, x.searchParams.get('url')]).toEqual(['https://x.com/intent/post', url]);
    const telegram = new URL((await share.locator('a', { hasText: 'Telegram' }).getAttribute('href')) ?? '');
    expect([telegram.origin + telegram.pathname, telegram.searchParams.get('url')]).toEqual([
      'https://t.me/share/url',
      url,
    ]);
    const copy = share.locator('[data-copy-link]');
    await copy.click();
    await expect.poll(() => copy.innerText()).toBe('Copied');
    expect(await copied()).toBe(url);
    // The poll page's embed code copies the same way.
    await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    await page.locator('.embed-code summary').click();
    const code = await page.locator('#embed-snippet').inputValue();
    expect(code).toMatch(/^<iframe src="[^"]+\/polls\/opg-liquidity-ghost\/embed\/"/);
    await page.locator('.embed-code [data-copy]').click();
    await expect.poll(copied).toBe(code);
    await context.close();

    // Without JavaScript there is no button that could not work; the links still do.
    const plain = await env.browser.newContext({ javaScriptEnabled: false });
    const noScript = await plain.newPage();
    await noScript.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    await expect(noScript.locator('share-links [data-copy-link]').isVisible()).resolves.toBe(false);
    await expect(noScript.locator('share-links a').count()).resolves.toBe(2);
    await plain.close();
  });
});
