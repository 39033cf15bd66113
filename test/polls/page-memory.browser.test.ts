import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, upgraded } from '../helpers/browser.ts';

/**
 * A reader who just voted gets back a page with their ballot in it, with and without JavaScript, although
 * the page they voted on was sent from memory to readers before them (the page memory keeps the reader's
 * own part in the page's version).
 */
const env = serverAndBrowser();
const POLL = '/polls/opgsim-distribution-retail/';

/** Opens the poll page as a reader without cookies would, so that the page memory holds it. */
async function warm(): Promise<void> {
  for (let i = 0; i < 2; i++) expect((await fetch(`${env.server.url}${POLL}`)).status).toBe(200);
}

describe('a voter’s own page, after pages from memory', () => {
  for (const javaScriptEnabled of [false, true]) {
    it(`shows the ballot just cast ${javaScriptEnabled ? 'with' : 'without'} JavaScript, and again on reload`, async () => {
      await warm();
      const context = await env.browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${POLL}`);
      if (javaScriptEnabled) await upgraded(page.locator('poll-widget'));
      const choice = page.locator('poll-widget [data-option="unchanged"]');
      expect(await choice.getAttribute('data-mine')).toBe('false');
      await choice.locator('input').check();
      await page.getByRole('button', { name: 'Vote' }).click();
      if (!javaScriptEnabled) await page.waitForURL(/\?voted=1/);
      await expect
        .poll(() => page.locator('poll-widget [data-message]').innerText(), { timeout: 10_000 })
        .toBe('Thanks, your vote is counted.');
      await page.reload();
      expect(await choice.getAttribute('data-mine')).toBe('true');
      await expect(page.locator('poll-widget [data-my-vote]').innerText()).resolves.toContain('Neither');
      await page.screenshot({ path: screenshotPath(`page-memory-voted-${javaScriptEnabled ? 'js' : 'nojs'}`) });
      // The next reader without a cookie gets the page without that ballot marked.
      const next = await (await fetch(`${env.server.url}${POLL}`)).text();
      expect(next).not.toMatch(/data-option="unchanged" data-mine="true"/);
      await context.close();
    });
  }
});
