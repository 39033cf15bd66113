import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { comments } from '../../db/schema.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

const SLUG = 'opg-liquidity-ghost';
const admin = newAccount();
const env = serverAndBrowser({ env: { ADMIN_ADDRESSES: admin.address } });

/** A browser context signed in as a new wallet (or the given one), with or without JavaScript. */
async function signedIn(js: boolean, account = newAccount()): Promise<BrowserContext> {
  const cookie = await signIn(env.server.url, account);
  const [name = '', value = ''] = cookie.split('=');
  const context = await env.browser.newContext({ javaScriptEnabled: js, viewport: { width: 1000, height: 900 } });
  await context.addCookies([{ name, value, url: env.server.url }]);
  return context;
}

let commentId = 0;

describe('moderation in Chromium', () => {
  it('reports a comment with JavaScript, from the discussion under the article', async () => {
    const author = await signIn(env.server.url, newAccount());
    const res = await fetch(`${env.server.url}/api/posts/${SLUG}/comments`, {
      method: 'POST',
      headers: { origin: env.server.url, cookie: author, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Send 1 ETH to this address and get 2 back' }),
    });
    expect(res.status).toBe(201);
    commentId = ((await res.json()) as { comments: { id: number }[] }).comments[0]?.id ?? 0;

    const context = await signedIn(true);
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/${SLUG}/`);
    const comment = page.locator(`post-comments #comment-${commentId}`);
    await comment.scrollIntoViewIfNeeded();
    await comment.waitFor();
    await comment.getByText('Report', { exact: true }).click();
    await comment.getByLabel('Reason').selectOption('scam');
    await comment.getByLabel('Note for the moderators (optional)').fill('classic doubling scam');
    await comment.getByRole('button', { name: 'Send report' }).click();
    await page.waitForFunction(() =>
      document.querySelector('post-comments [data-comment-message]')?.textContent?.includes('moderators will look'),
    );
    // The report went through the API, not the page: still on the article.
    expect(new URL(page.url()).pathname).toBe(`/posts/${SLUG}/`);
    await page.locator('post-comments').screenshot({ path: screenshotPath('moderation-report-js') });
    await context.close();
  });

  it('reports a comment without JavaScript, on the comments page', async () => {
    const context = await signedIn(false);
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/${SLUG}/comments/`);
    const comment = page.locator(`#comment-${commentId}`);
    await comment.getByText('Report', { exact: true }).click();
    await comment.getByLabel('Reason').selectOption('spam');
    await comment.screenshot({ path: screenshotPath('moderation-report-nojs-form') });
    await comment.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL(/\?reported=\d+/);
    await expect(page.locator('[data-comment-message]').innerText()).resolves.toContain('moderators will look');
    await page.screenshot({ path: screenshotPath('moderation-report-nojs-done') });
    await context.close();
  });

  it('lets a moderator hide it from /admin/ without JavaScript, and logs it', async () => {
    const context = await signedIn(false, admin);
    const page = await context.newPage();
    await page.goto(`${env.server.url}/admin/`);
    const item = page.locator(`[data-queue-item="${commentId}"]`);
    await expect(item.locator('.moderation-meta strong').innerText()).resolves.toBe('2 reports');
    await expect(item.locator('.moderation-reasons').innerText()).resolves.toMatch(/Scam or phishing: 1\s+Spam: 1/);
    await page.screenshot({ path: screenshotPath('moderation-admin-queue'), fullPage: true });
    await item.getByRole('button', { name: 'Hide' }).click();
    await page.waitForURL(/\/admin\/\?done=1$/);
    await expect(page.locator('[data-notice]').innerText()).resolves.toBe('Done.');
    await expect(item.innerText()).resolves.toContain('hidden from readers');
    await expect(page.locator('tr[data-audit="hide"]').first().innerText()).resolves.toContain(`comment #${commentId}`);
    await page.screenshot({ path: screenshotPath('moderation-admin-hidden'), fullPage: true });
    await context.close();

    // Readers no longer see it.
    const reader = await env.browser.newContext({ javaScriptEnabled: false });
    const readerPage = await reader.newPage();
    await readerPage.goto(`${env.server.url}/posts/${SLUG}/comments/`);
    await expect(readerPage.locator('.comment-list').innerText()).resolves.not.toContain('Send 1 ETH');
    await reader.close();
  });

  it('answers readers at /admin/ with the ordinary not-found page', async () => {
    const context = await signedIn(false);
    const page = await context.newPage();
    const response = await page.goto(`${env.server.url}/zh/admin/`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1').innerText()).resolves.toBe('页面不存在');
    await context.close();
  });

  it('pages a long discussion: in place with JavaScript, by links without', async () => {
    const slug = 'opg-distribution-question';
    const db = await openDatabase({ url: env.server.databaseUrl });
    const base = Date.now() - 3_600_000;
    try {
      await db.insert(comments).values(
        Array.from({ length: 55 }, (_, n) => ({
          postSlug: slug,
          address: newAccount().address,
          body: `paged thread ${n}`,
          createdAt: base + n * 1000,
        })),
      );
    } finally {
      db.$client.close();
    }
    for (const js of [true, false]) {
      const context = await env.browser.newContext({ javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`${env.server.url}${js ? `/posts/${slug}/` : `/posts/${slug}/comments/`}`);
      const discussion = page.locator(js ? 'post-comments' : 'main');
      await discussion.getByText('paged thread 54').waitFor();
      expect(await discussion.locator('.comment-thread').count()).toBe(50);
      await discussion.getByRole('link', { name: 'Next page' }).click();
      await discussion.getByText('paged thread 4', { exact: true }).waitFor();
      expect(await discussion.locator('.comment-thread').count()).toBe(5);
      expect(await discussion.getByText('paged thread 54').count()).toBe(0);
      if (js) expect(new URL(page.url()).pathname).toBe(`/posts/${slug}/`);
      else expect(new URL(page.url()).searchParams.has('cursor')).toBe(true);
      await discussion.screenshot({ path: screenshotPath(`comments-page-2-${js ? 'js' : 'nojs'}`) });
      await discussion.getByRole('link', { name: 'Back to the first page' }).click();
      await discussion.getByText('paged thread 54').waitFor();
      await context.close();
    }
  });
});
