import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

const env = serverAndBrowser();

/** The results the search page lists for `query`, as [kind, title, href] rows. */
async function search(query: string, colorScheme: 'light' | 'dark' = 'light', width = 1000, home = '/') {
  const context = await env.browser.newContext({ colorScheme, viewport: { width, height: 900 } });
  const page = await context.newPage();
  // From the header's plain GET form on the home page, as a reader would.
  await page.goto(`${env.server.url}${home}`);
  await page.locator('#site-search-q').fill(query);
  await page.locator('.site-search button').click();
  await page.waitForURL(/\/search\/\?q=/);
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-search-status]')?.textContent ?? '';
    return text !== '' && !text.endsWith('…');
  });
  const rows = await page
    .locator('[data-search-results] li')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.search-kind')?.textContent ?? '',
        li.querySelector('a')?.textContent ?? '',
        li.querySelector('a')?.getAttribute('href') ?? '',
      ]),
    );
  const status = await page.locator('[data-search-status]').innerText();
  return { page, context, rows, status };
}

describe('search in Chromium', () => {
  it('finds a post by a word of its text, with the match marked in the excerpt', async () => {
    const { page, context, rows, status } = await search('ghost');
    expect(rows.map((r) => r[2])).toContain('/posts/opg-liquidity-ghost/');
    expect(status).toMatch(/^\d+ results? for “ghost”\.$/);
    await expect(page.locator('[data-search-results] mark').first().innerText()).resolves.toMatch(/ghost/i);
    // Excerpts quote the piece, not its byline, date, reading time or tags.
    const excerpts = await page.locator('.search-excerpt').allInnerTexts();
    expect(excerpts.join(' ')).not.toMatch(/min read|#holder-distribution/);
    await page.screenshot({ path: screenshotPath('search-light') });
    await context.close();
  });

  it('finds polls and tokens, which are rendered on demand, from their definitions', async () => {
    const polls = await search('whales quietly accumulating', 'dark', 390);
    expect(polls.rows).toContainEqual([
      'Poll',
      'Which part of the OPG story should we dig into next?',
      '/polls/opg-liquidity-ghost/',
    ]);
    await polls.page.screenshot({ path: screenshotPath('search-dark-phone') });
    await polls.context.close();
    const tokens = await search('OpenGradient');
    expect(tokens.rows).toContainEqual(['Token', 'OpenGradient ($OPG)', '/tokens/opg/']);
    await tokens.context.close();
  });

  it('searches the Chinese pages from the Chinese site: a two-character query finds its post', async () => {
    const { page, context, rows, status } = await search('幽灵', 'light', 1000, '/zh/');
    expect(page.url()).toContain('/zh/search/?q=');
    expect(rows.map((r) => r[2])).toContain('/zh/posts/opg-liquidity-ghost/');
    // Only the Chinese site's pages: the English post of the same slug is in the other index.
    expect(rows.map((r) => r[2]).every((href) => href?.startsWith('/zh/'))).toBe(true);
    expect(status).toMatch(/^找到 \d+ 条与“幽灵”相关的结果。$/);
    await page.screenshot({ path: screenshotPath('search-zh') });
    await context.close();
  });

  it('the Chinese search also finds English posts not yet translated, and Chinese poll labels', async () => {
    const english = await search('stand-in', 'light', 1000, '/zh/');
    expect(english.rows.map((r) => r[2])).toContain('/zh/posts/opgsim-demo/');
    await english.context.close();
    const poll = await search('吸筹', 'light', 1000, '/zh/');
    expect(poll.rows).toContainEqual([
      '投票',
      '关于 OPG，接下来我们最该深挖哪一块？',
      '/zh/polls/opg-liquidity-ghost/',
    ]);
    await poll.context.close();
  });

  it('says so when nothing matches', async () => {
    const { rows, status, context } = await search('zzqxj');
    expect(rows).toEqual([]);
    expect(status).toBe('Nothing found for “zzqxj”.');
    await context.close();
  });

  it('without JavaScript, says what to do and links the tag index', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/search/?q=ghost`);
    const notice = page.locator('[data-search-needs-script]');
    await expect(notice.innerText()).resolves.toContain('needs JavaScript');
    await expect(notice.locator('a[href="/tags/"]').count()).resolves.toBe(1);
    await expect(notice.innerText()).resolves.toMatch(/tag index or the list of polls/);
    await context.close();
  });

  it('indexes no placeholder: "loading" finds nothing, and no Chinese excerpt quotes one', async () => {
    const english = await search('loading');
    expect(english.rows).toEqual([]);
    await english.context.close();
    // Chinese is matched by characters, so "加载" may find a post by another word: its excerpt must not be a placeholder.
    const chinese = await search('加载', 'light', 1000, '/zh/');
    const excerpts = await chinese.page.locator('.search-excerpt').allInnerTexts();
    expect(excerpts.join(' ')).not.toMatch(/正在加载|加载中/);
    await chinese.context.close();
  });
});
