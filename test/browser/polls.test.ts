import { describe, expect, it } from 'vitest';
import { paintedPixels, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

const env = serverAndBrowser({ env: { VOTE_RATE_LIMIT: '0' } });

describe('polls in Chromium', () => {
  it('shows the seed poll in the article as imported: 3 votes, voting closed, 34/33/0/33', async () => {
    const context = await env.browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-liquidity-ghost/`);
    const widget = page.locator('poll-widget[data-poll="opg-liquidity-ghost"]');
    await widget.waitFor();
    expect(await widget.locator('[data-percent]').allTextContents()).toEqual(['34%', '33%', '0%', '33%']);
    await expect(widget.locator('.poll-summary').innerText()).resolves.toBe('3 votes · Voting closed');
    await expect(widget.innerText()).resolves.toContain('imported from the original community post');
    await expect(widget.innerText()).resolves.toContain('大户默默在吸筹吗');
    expect(await widget.locator('button').count()).toBe(0);
    await widget.screenshot({ path: screenshotPath('poll-seed') });
    await context.close();
  });

  it('votes without JavaScript on the poll page: form, redirect, results and choice shown', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/opg-distribution-retail/`);
    await page.getByLabel('Neither: it has barely moved').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await page.waitForURL(/\?voted=1/);
    await expect(page.locator('[data-message]').innerText()).resolves.toBe('Thanks, your vote is counted.');
    await expect(page.locator('[data-my-vote]').innerText()).resolves.toContain('Neither: it has barely moved');
    expect(await page.locator('[data-option="unchanged"]').getAttribute('data-mine')).toBe('true');
    await expect(page.locator('[data-option="unchanged"] [data-votes]').innerText()).resolves.toMatch(/^\d+ votes?$/);
    await page.screenshot({ path: screenshotPath('poll-page-nojs-voted'), fullPage: true });
    await context.close();
  });

  it('votes without JavaScript inside an article, through the framed poll', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
    const frame = page.frameLocator('iframe.poll-frame');
    await frame.getByLabel('Nobody can tell until the contract is public').check();
    await frame.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => page.frames().some((f) => f.url().includes('voted=1')), { timeout: 5000 }).toBe(true);
    await expect(frame.locator('[data-message]').innerText()).resolves.toBe('Thanks, your vote is counted.');
    await expect(frame.locator('[data-my-vote]').innerText()).resolves.toContain('Nobody can tell');
    expect(page.url()).toMatch(/\/posts\/opg-distribution-question\/$/);
    await page.screenshot({ path: screenshotPath('article-nojs-voted'), fullPage: true });
    await context.close();
  });

  it('updates a second open page within 2 s of a vote in the first, over SSE', async () => {
    const voter = await env.browser.newContext();
    const watcher = await env.browser.newContext();
    const a = await voter.newPage();
    const b = await watcher.newPage();
    await Promise.all([
      a.goto(`${env.server.url}/polls/opg-distribution-retail/`),
      b.goto(`${env.server.url}/posts/opg-distribution-question/`),
    ]);
    const watched = b.locator('poll-widget [data-option="toward-retail"] [data-votes]');
    await watched.waitFor();
    // The live widget loads as a reader nears the poll at the end of the post.
    await watched.scrollIntoViewIfNeeded();
    // The stream's first tally arrives right after connecting; wait for it so the change below is the vote's.
    await b.waitForFunction(() => document.querySelector('poll-widget [data-total]')?.textContent?.includes('vote'));
    const before = Number((await watched.innerText()).split(' ')[0]);
    await a.getByLabel('Yes: supply is spreading to small holders').check();
    const started = Date.now();
    await a.getByRole('button', { name: 'Vote' }).click();
    await expect(a.locator('[data-message]').innerText()).resolves.toBeDefined();
    await b.waitForFunction(
      (expected) =>
        document
          .querySelector('poll-widget [data-option="toward-retail"] [data-votes]')
          ?.textContent?.startsWith(`${expected} `),
      before + 1,
      { timeout: 2000 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await a.waitForFunction(
      () => document.querySelector('[data-message]')?.textContent === 'Thanks, your vote is counted.',
    );
    expect(await a.locator('[data-option="toward-retail"]').getAttribute('data-mine')).toBe('true');
    await voter.close();
    await watcher.close();
  });

  it('draws the charts once they scroll into view, light and dark, with a table alternative', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // A short viewport keeps the charts below the fold until we scroll.
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1000, height: 480 } });
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
      await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
      await page.waitForLoadState('networkidle');
      expect(scripts.some((u) => /poll-charts\.[\w-]+\.js$/.test(u))).toBe(false);
      await page.locator('poll-charts').scrollIntoViewIfNeeded();
      await page.waitForSelector('.chart-legend');
      expect(scripts.some((u) => /poll-charts\.[\w-]+\.js$/.test(u))).toBe(true);
      const painted = await paintedPixels(page, 'canvas');
      expect(painted.every((n) => n > 500)).toBe(true);
      await page.locator('.chart-table summary').click();
      await expect(page.locator('.chart-table tbody tr').first().innerText()).resolves.toContain('34%');
      await page.screenshot({ path: screenshotPath(`poll-charts-${colorScheme}`), fullPage: true });
      await context.close();
    }
  });
});
