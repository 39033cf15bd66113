import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * The evidence panel under a poll's results: each option beside what the chain shows for it. The demo's copy of
 * the seed poll names a figure for three options and none for the fourth; the real seed poll names the same, on
 * a token with no data yet. Light and dark, phone and desktop, English and Chinese, with and without JavaScript.
 */
const env = serverAndBrowser();

const CASES = [
  { path: '/polls/opgsim-liquidity-ghost/', colorScheme: 'light', width: 1280, height: 900, js: true },
  { path: '/polls/opgsim-liquidity-ghost/', colorScheme: 'dark', width: 390, height: 844, js: true },
  { path: '/zh/polls/opgsim-liquidity-ghost/', colorScheme: 'dark', width: 1280, height: 900, js: true },
  { path: '/zh/polls/opgsim-liquidity-ghost/', colorScheme: 'light', width: 390, height: 844, js: false },
] as const;

describe('what the chain shows for each option, on the poll page', () => {
  it.each(CASES)('$path, $colorScheme, $width px, JavaScript $js', async ({ path, colorScheme, width, height, js }) => {
    const context = await env.browser.newContext({ colorScheme, viewport: { width, height }, javaScriptEnabled: js });
    const page = await context.newPage();
    await page.goto(`${env.server.url}${path}`);
    const panel = page.locator('[data-evidence]');
    await panel.scrollIntoViewIfNeeded();
    const kinds = await panel
      .locator('[data-evidence-option]')
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-evidence-option'), r.getAttribute('data-evidence-kind')]),
      );
    expect(kinds).toEqual([
      ['whales-accumulating', 'flows'],
      ['node-losses', 'rewards'],
      ['unlock-selling-pressure', 'unlocks'],
      ['retail-fights-back', 'none'],
    ]);
    const zh = path.startsWith('/zh');
    const text = (id: string) => panel.locator(`[data-evidence-option="${id}"] dd > p`).first().innerText();
    await expect(text('whales-accumulating')).resolves.toMatch(
      zh
        ? /^大户：最近 30 天 [+-][\d,]+ OPGSIM/
        : /^Whales: [+-][\d,]+ OPGSIM \([+-]?[\d.]+% of circulating supply\) in the last 30 days\.$/,
    );
    await expect(text('node-losses')).resolves.toMatch(
      zh
        ? /低于发布者设定的节点运行门槛/
        : /^In the week of .*, \d+ \/ 34 recipients got less than the publisher’s floor/,
    );
    await expect(text('unlock-selling-pressure')).resolves.toMatch(
      zh ? /11月10日.*转入交易所/ : /the unlock of 10 Nov 2026 released, [\d,]+ \(\d+(\.\d)?%\)/,
    );
    await expect(text('retail-fights-back')).resolves.toBe(
      zh
        ? '没有链上数据能回答这一项：它关乎人的行动，而不是钱包的行为。'
        : 'No chain figure can answer this one: it is about what people do, not what wallets do.',
    );
    // Each figure says where it comes from and links to itself on the token page.
    const links = await panel.locator('.chart-source a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const token = zh ? '/zh/tokens/opgsim/' : '/tokens/opgsim/';
    expect(links).toEqual([`${token}#flows`, `${token}#rewards`, `${token}#unlock-flows`]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.evaluate(() => document.querySelector('[data-evidence]')?.scrollIntoView({ block: 'start' }));
    await page.screenshot({
      path: screenshotPath(`evidence-${zh ? 'zh' : 'en'}-${colorScheme}-${width}${js ? '' : '-nojs'}`),
    });
    await context.close();
  });

  it('says on the seed poll’s page that its token has no chain data yet, and on the demo poll shows its own', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    const lines = await page.locator('[data-evidence] dd > p').allInnerTexts();
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3)).toEqual(
      Array.from({ length: 3 }, () => 'There is no on-chain data for $OPG yet, so the chain cannot answer this yet.'),
    );
    await page.goto(`${env.server.url}/polls/opgsim-distribution-retail/`);
    await expect(page.locator('[data-evidence-option]').count()).resolves.toBe(4);
    await context.close();
  });
});
