import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, upgraded } from '../helpers/browser.ts';

// A short card TTL, so a vote shows on the live card within the test.
const env = serverAndBrowser({ env: { POLL_CARD_TTL: '1', VOTE_RATE_LIMIT: '0' } });

describe('the Chinese site in Chromium', () => {
  it('shows the Chinese home page in light and dark, on a phone and a desktop', async () => {
    for (const [colorScheme, width] of [
      ['light', 390],
      ['dark', 1280],
    ] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/zh/`);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-Hans');
      await expect(page.locator('h1').innerText()).resolves.toBe('研究');
      await expect(page.locator('.site-nav').innerText()).resolves.toMatch(/研究\s+投票\s+代币\s+话题\s+关于/);
      await expect(page.locator('.account-link').innerText()).resolves.toBe('账户');
      await expect(
        page.locator('.post-card h2 a[href="/zh/posts/opg-liquidity-ghost/"]').innerText(),
      ).resolves.toContain('流动性幽灵');
      // An English post not yet translated is listed, and says so.
      await expect(page.locator('[data-post-lang="en"]').first().innerText()).resolves.toBe('英文');
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(sideways).toBe(false);
      await page.screenshot({ path: screenshotPath(`zh-home-${colorScheme}-${width}`), fullPage: true });
      await context.close();
    }
  });

  it('votes in a Chinese post’s poll, in Chinese, and the results follow', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/posts/opg-distribution-question/`);
    await expect(page.locator('article').getAttribute('lang')).resolves.toBe('zh-Hans');
    const widget = page.locator('poll-widget[data-poll="opg-distribution-retail"]');
    await widget.waitFor();
    await widget.scrollIntoViewIfNeeded();
    await upgraded(widget);
    await expect(widget.locator('.poll-question').innerText()).resolves.toContain('OPG 的持币分布正在向散户倾斜吗？');
    await widget.getByLabel('是：供应量正在向小额持有者分散').check();
    await widget.getByRole('button', { name: '投票' }).click();
    await expect.poll(() => widget.locator('[data-message]').innerText()).toBe('谢谢，你的投票已计入。');
    await expect(widget.locator('[data-my-vote-text]').innerText()).resolves.toBe('是：供应量正在向小额持有者分散');
    await expect(widget.locator('[data-total]').innerText()).resolves.toMatch(/^\d+ 票$/);
    await expect(widget.locator('[data-status-text]').innerText()).resolves.toMatch(/进行中|后结束/);
    await widget.screenshot({ path: screenshotPath('zh-post-poll-voted') });
    await context.close();
  });

  it('without JavaScript, the Chinese post frames the Chinese poll page', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/posts/opg-liquidity-ghost/`);
    const frame = page.frameLocator('iframe.poll-frame');
    await expect(frame.locator('html').getAttribute('lang')).resolves.toBe('zh-Hans');
    await expect(frame.locator('.poll-question').innerText()).resolves.toContain(
      '关于 OPG，接下来我们最该深挖哪一块？',
    );
    await expect(frame.locator('[data-status-text]').innerText()).resolves.toBe('投票已结束');
    await page.screenshot({ path: screenshotPath('zh-post-nojs'), fullPage: true });
    await context.close();
  });

  it('keeps the reader on the same page when switching language, both ways', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/polls/opg-liquidity-ghost/`);
    await page.locator('a.lang-switch').click();
    await page.waitForURL(`${env.server.url}/polls/opg-liquidity-ghost/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('a.lang-switch').innerText()).resolves.toBe('中文');
    await page.locator('a.lang-switch').click();
    await page.waitForURL(`${env.server.url}/zh/polls/opg-liquidity-ghost/`);
    await page.goto(`${env.server.url}/tags/opg/`);
    await page.locator('a.lang-switch').click();
    await page.waitForURL(`${env.server.url}/zh/tags/opg/`);
    await context.close();
  });

  it('shares a post with its own 1200×630 card, and a poll with a live card that changes after a vote', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const ogImages = async (path: string): Promise<string[]> => {
      await page.goto(`${env.server.url}${path}`);
      return page
        .locator('meta[property="og:image"]')
        .evaluateAll((metas) => metas.map((m) => m.getAttribute('content') ?? ''));
    };
    const [postCard] = (await ogImages('/zh/posts/opgsim-demo/')).filter((url) => url.includes('/og/posts/'));
    expect(postCard).toBeDefined();
    const card = await page.goto(new URL(new URL(postCard ?? '').pathname, env.server.url).href);
    expect(card?.headers()['content-type']).toBe('image/png');
    await expect(
      page
        .locator('img')
        .evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]),
    ).resolves.toEqual([1200, 630]);

    const poll = 'opg-distribution-retail';
    const cardOf = async (): Promise<{ url: string; bytes: Buffer }> => {
      const [url = ''] = await ogImages(`/polls/${poll}/`);
      const res = await fetch(new URL(new URL(url).pathname + new URL(url).search, env.server.url));
      expect(res.status).toBe(200);
      return { url, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const before = await cardOf();
    expect(before.url).toMatch(/\/card\.png\?v=open\.\d+$/);
    await page.goto(`${env.server.url}/polls/${poll}/`);
    await upgraded(page.locator('poll-widget'));
    await page.getByLabel('No: a few wallets are gathering more').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => page.locator('[data-message]').innerText()).toBe('Thanks, your vote is counted.');
    // The card is redrawn at most once a second here (POLL_CARD_TTL=1).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await cardOf();
    expect(after.url).not.toBe(before.url);
    expect(after.bytes.equals(before.bytes)).toBe(false);
    await page.goto(new URL(new URL(after.url).pathname + new URL(after.url).search, env.server.url).href);
    await page.screenshot({ path: screenshotPath('poll-live-card') });
    await context.close();
  });
});
