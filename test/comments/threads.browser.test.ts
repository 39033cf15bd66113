import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { comments } from '../../db/schema.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';
import { injectWallet } from '../helpers/injected-wallet.ts';
import { newAccount } from '../helpers/wallet.ts';

/** A thread of 1,500 replies read in Chromium: the first five under it, the rest on its own pages, with or without JavaScript. */

const env = serverAndBrowser();
const SLUG = 'opg-liquidity-ghost';
const REPLIES = 1500;
const replyIds: number[] = [];

beforeAll(async () => {
  const db = await openDatabase({ url: env.server.databaseUrl });
  try {
    const base = Date.now() - 86_400_000;
    const [thread] = await db
      .insert(comments)
      .values({ postSlug: SLUG, address: newAccount().address, body: 'One thread, inflated', createdAt: base })
      .returning({ id: comments.id });
    const rows = Array.from({ length: REPLIES }, (_, n) => ({
      postSlug: SLUG,
      parentId: thread?.id ?? 0,
      address: newAccount().address,
      body: `flood reply ${n}`,
      createdAt: base + 1000 + n,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      const made = await db
        .insert(comments)
        .values(rows.slice(i, i + 500))
        .returning({ id: comments.id });
      replyIds.push(...made.map((r) => r.id));
    }
  } finally {
    db.$client.close();
  }
}, 60_000);

const idsIn = async (discussion: Locator): Promise<number[]> =>
  (
    await discussion
      .locator('article.comment-reply')
      .evaluateAll((all) => all.map((a) => a.getAttribute('data-comment')))
  ).map(Number);

async function replyToThread(discussion: Locator, text: string): Promise<void> {
  await discussion
    .locator('article.comment')
    .filter({ hasText: 'One thread, inflated' })
    .getByRole('button', { name: 'Reply' })
    .click();
  await discussion.getByLabel('Your reply').fill(text);
  await discussion.getByRole('button', { name: 'Post reply' }).click();
}

describe('a thread of 1,500 replies in Chromium', () => {
  it.each([
    ['', '1,495 more replies', 'Next page', 'Back to all comments'],
    ['/zh', '还有 1,495 条回复', '下一页', '返回全部评论'],
  ])(
    'pages it by links without JavaScript (%s)',
    async (locale, more, next, back) => {
      const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${locale}/posts/${SLUG}/comments/`);
      const discussion = page.locator('main');
      expect(await discussion.locator('.comment-thread').count()).toBe(1);
      expect(await idsIn(discussion)).toEqual(replyIds.slice(0, 5));
      await discussion.getByRole('link', { name: more }).click();
      await page.waitForURL(/\?thread=\d+#comments-title$/);
      await discussion.getByText('flood reply 49', { exact: true }).waitFor();
      const seen: number[] = [];
      for (let n = 0; n < REPLIES / 50; n++) {
        const ids = await idsIn(discussion);
        expect(ids.length).toBe(50);
        await expect(discussion.getByText('One thread, inflated').count()).resolves.toBe(1);
        seen.push(...ids);
        if (n === 1) await page.screenshot({ path: screenshotPath(`thread-page-2-nojs${locale.replace('/', '-')}`) });
        const link = discussion.getByRole('link', { name: next });
        if (n === REPLIES / 50 - 1) expect(await link.count()).toBe(0);
        else {
          await link.click();
          // The page is read once the last reply it should carry has arrived.
          await discussion.getByText(`flood reply ${(n + 2) * 50 - 1}`, { exact: true }).waitFor();
        }
      }
      expect(seen).toEqual(replyIds);
      await discussion.getByRole('link', { name: back }).click();
      await page.waitForURL(new RegExp(`${locale}/posts/${SLUG}/comments/#comments-title$`));
      await discussion.getByRole('link', { name: more }).waitFor();
      await context.close();
    },
    // Thirty full page loads a language: more than the default minute on a busy machine.
    180_000,
  );

  it('follows "more replies" from the article with JavaScript, and pages the thread in place', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/${SLUG}/`);
    const island = page.locator('post-comments');
    await island.getByRole('link', { name: '1,495 more replies' }).click();
    await page.waitForURL(/\/comments\/\?thread=\d+#comments-title$/);
    const discussion = page.locator('post-comments');
    await discussion.locator('article.comment-reply').first().waitFor();
    expect(await idsIn(discussion)).toEqual(replyIds.slice(0, 50));
    await discussion.getByRole('link', { name: 'Next page' }).click();
    await discussion.getByText('flood reply 50', { exact: true }).waitFor();
    // Replaced in place: the same thread, its next 50 replies, at the same address.
    expect(await idsIn(discussion)).toEqual(replyIds.slice(50, 100));
    await expect(discussion.getByText('One thread, inflated').count()).resolves.toBe(1);
    expect(new URL(page.url()).searchParams.has('cursor')).toBe(false);
    await discussion.getByRole('link', { name: 'Back to the first page' }).click();
    await discussion.getByText('flood reply 0', { exact: true }).waitFor();
    expect(await idsIn(discussion)).toEqual(replyIds.slice(0, 50));
    await context.close();
  });

  it('says where a reply to a long thread went, and brings its link into view', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    await injectWallet(context, newAccount());
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/${SLUG}/`);
    const island = page.locator('post-comments');
    await island.getByRole('button', { name: 'Sign in with wallet' }).click();
    await island.getByText('Commenting as').waitFor();
    await replyToThread(island, 'Reply number 1,501');
    const said = 'Your reply is posted: it is on the thread’s own page, under “more replies”.';
    const more = island.getByRole('link', { name: '1,496 more replies' });
    await more.waitFor();
    // Said in the discussion's status line and beside the link, which has the focus.
    await expect(island.locator('[data-comment-message]').innerText()).resolves.toBe(said);
    const beside = island.locator('.comment-more', { has: page.getByRole('link', { name: '1,496 more replies' }) });
    await expect(beside.innerText()).resolves.toContain(said);
    await expect(more.evaluate((link) => link === document.activeElement)).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('thread-reply-elsewhere') });

    // On the thread's own page, whose first page it is not on either.
    await more.click();
    await page.waitForURL(/\?thread=\d+#comments-title$/);
    const discussion = page.locator('post-comments');
    await replyToThread(discussion, 'Reply number 1,502');
    await expect
      .poll(() => discussion.locator('[data-comment-message]').innerText(), { timeout: 15_000 })
      .toBe('Your reply is posted: it is at the end of the thread, on its last page.');
    await expect(discussion.locator('.comment-pages-left').innerText()).resolves.toBe('(1,452 more replies)');
    await context.close();
  });
});
