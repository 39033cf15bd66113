import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HOSTILE_COMMENTS } from '../fixtures/hostile-comments.ts';
import { networkWatch, screenshotPath, serverAndBrowser, upgraded } from '../helpers/browser.ts';
import { WITHOUT_NETWORK_LIMITS } from '../helpers/comments.ts';
import { injectWallet } from '../helpers/injected-wallet.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

const ARTICLE = '/posts/opg-liquidity-ghost/';

// Many readers from one address: the limits per network are tested on their own.
const env = serverAndBrowser({ env: WITHOUT_NETWORK_LIMITS });

async function signInThroughUi(page: Page): Promise<void> {
  await page.locator('post-comments').getByRole('button', { name: 'Sign in with wallet' }).click();
  await page.locator('post-comments').getByText('Commenting as').waitFor();
}

describe('wallet sign-in and comments in Chromium', () => {
  it('loads no wallet code until the button is clicked', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const network = networkWatch(page);
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    await page.goto(`${env.server.url}${ARTICLE}`);
    // The discussion's own script loads as it comes into view; the wallet's must wait for the click.
    await page.locator('post-comments h2').scrollIntoViewIfNeeded();
    await upgraded(page.locator('post-comments'));
    await network.settled();
    expect(scripts.some((u) => u.includes('wallet.client'))).toBe(false);
    await context.close();
  });

  it('says so clearly when there is no wallet', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}${ARTICLE}`);
    await page.locator('post-comments').getByRole('button', { name: 'Sign in with wallet' }).click();
    await expect(page.locator('post-comments [data-wallet-message]').innerText()).resolves.toBeDefined();
    await page.waitForFunction(() =>
      document.querySelector('post-comments [data-wallet-message]')?.textContent?.includes('No wallet found'),
    );
    await context.close();
  });

  it('says so clearly when the wallet is on a chain the site does not accept', async () => {
    const context = await env.browser.newContext();
    await injectWallet(context, newAccount(), { chainId: 137 });
    const page = await context.newPage();
    await page.goto(`${env.server.url}${ARTICLE}`);
    await page.locator('post-comments').getByRole('button', { name: 'Sign in with wallet' }).click();
    await page.waitForFunction(() =>
      document.querySelector('post-comments [data-wallet-message]')?.textContent?.includes('Switch it to'),
    );
    await context.close();
  });

  it('says so clearly when the reader rejects the request, and when the server refuses the signature, in either language', async () => {
    // In Chinese the refusal is framed in Chinese; its reason quotes the message, which is English (EIP-4361).
    for (const [options, text, locale, button] of [
      [{ rejectConnection: true }, 'declined', '', 'Sign in with wallet'],
      [{ signer: newAccount() }, 'Sign-in refused: the signature was not made by', '', 'Sign in with wallet'],
      [{ signer: newAccount() }, '登录被拒绝：the signature was not made by', '/zh', '用钱包登录'],
    ] as const) {
      // A phone's width: a refusal quoting an address must wrap inside the column.
      const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
      await injectWallet(context, newAccount(), options);
      const page = await context.newPage();
      await page.goto(`${env.server.url}${locale}${ARTICLE}`);
      await page.locator('post-comments').getByRole('button', { name: button }).click();
      await page.waitForFunction(
        (expected) => document.querySelector('post-comments [data-wallet-message]')?.textContent?.includes(expected),
        text,
      );
      const fits = await page
        .locator('post-comments [data-wallet-message]')
        .evaluate((m) => m.scrollWidth <= m.clientWidth && m.getBoundingClientRect().right <= window.innerWidth);
      expect(fits).toBe(true);
      await context.close();
    }
  });

  it('lets the reader choose when several wallets announce themselves', async () => {
    const chosen = newAccount();
    const context = await env.browser.newContext();
    await injectWallet(context, newAccount(), { name: 'First Wallet' });
    await injectWallet(context, chosen, { name: 'Second Wallet' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}${ARTICLE}`);
    await page.locator('post-comments').getByRole('button', { name: 'Sign in with wallet' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Second Wallet' }).click();
    await page.locator('post-comments').getByText('Commenting as').waitFor();
    await expect(page.locator('post-comments .wallet-address').getAttribute('title')).resolves.toBe(chosen.address);
    await context.close();
  });

  it('signs in, comments, replies, edits, survives a reload, signs out; another account cannot edit', async () => {
    const author = newAccount();
    const context = await env.browser.newContext({ viewport: { width: 900, height: 1000 } });
    await injectWallet(context, author);
    const page = await context.newPage();
    await page.goto(`${env.server.url}${ARTICLE}`);
    await signInThroughUi(page);
    const short = `${author.address.slice(0, 6)}…${author.address.slice(-4)}`;
    await expect(page.locator('post-comments .wallet-address').innerText()).resolves.toBe(short);

    const comments = page.locator('post-comments');
    await comments.getByLabel('Your comment').fill('Whales or retail? Watch https://example.com/chart for the answer.');
    await comments.getByRole('button', { name: 'Post comment' }).click();
    const first = comments.locator('article.comment').filter({ hasText: 'Whales or retail?' });
    await first.waitFor();
    await expect(first.locator('a[rel="nofollow ugc noopener"]').getAttribute('href')).resolves.toBe(
      'https://example.com/chart',
    );

    await first.getByRole('button', { name: 'Reply' }).click();
    await comments.getByLabel('Your reply').fill('Retail, slowly.');
    await comments.getByRole('button', { name: 'Post reply' }).click();
    await comments.locator('article.comment-reply').filter({ hasText: 'Retail, slowly.' }).waitFor();

    await first.getByRole('button', { name: 'Edit' }).click();
    await comments.getByLabel('Edit your comment').fill('Whales or retail? The chain will tell.');
    await comments.getByRole('button', { name: 'Save' }).click();
    const edited = comments.locator('article.comment').filter({ hasText: 'The chain will tell.' });
    await edited.waitFor();
    await expect(edited.locator('.comment-edited').innerText()).resolves.toBe('edited');

    await page.reload();
    await comments.locator('article.comment').filter({ hasText: 'The chain will tell.' }).waitFor();
    await expect(comments.getByText('Commenting as').count()).resolves.toBe(1);
    await comments.screenshot({ path: screenshotPath('comments-signed-in') });

    // A second reader, signed in with another wallet, gets no Edit or Delete on the author's comment.
    const other = newAccount();
    const otherContext = await env.browser.newContext();
    await injectWallet(otherContext, other);
    const otherPage = await otherContext.newPage();
    await otherPage.goto(`${env.server.url}${ARTICLE}`);
    await signInThroughUi(otherPage);
    const seen = otherPage.locator('post-comments article.comment').filter({ hasText: 'The chain will tell.' });
    await seen.waitFor();
    expect(await seen.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    const id = await seen.getAttribute('data-comment');
    const attempt = await otherPage.evaluate(
      async ([slug, commentId]) =>
        (
          await fetch(`/api/posts/${slug}/comments/${commentId}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ body: 'hijacked' }),
          })
        ).status,
      ['opg-liquidity-ghost', id ?? ''],
    );
    expect(attempt).toBe(403);
    await otherContext.close();

    await comments.getByRole('button', { name: 'Sign out' }).click();
    await comments.getByRole('button', { name: 'Sign in with wallet' }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/auth/me')).status)).toBe(401);
    await page.screenshot({ path: screenshotPath('article-comments-signed-out'), fullPage: true });
    await context.close();
  });

  it('shows hostile comments as text: no dialog opens, no script runs', async () => {
    const cookies = await Promise.all(
      Array.from({ length: Math.ceil(HOSTILE_COMMENTS.length / 5) }, () => signIn(env.server.url, newAccount())),
    );
    for (const [i, body] of HOSTILE_COMMENTS.entries()) {
      const res = await fetch(`${env.server.url}/api/posts/opg-distribution-question/comments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: env.server.url,
          cookie: cookies[Math.floor(i / 5)] ?? '',
        },
        body: JSON.stringify({ body }),
      });
      expect(res.status).toBe(201);
    }
    for (const javaScriptEnabled of [true, false]) {
      const context = await env.browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const path = javaScriptEnabled
        ? '/posts/opg-distribution-question/'
        : '/posts/opg-distribution-question/comments/';
      await page.goto(`${env.server.url}${path}`);
      await page.locator('article.comment').first().waitFor();
      await page.waitForTimeout(500);
      expect(dialogs).toEqual([]);
      const texts = await page.locator('article.comment .comment-body').allInnerTexts();
      expect(texts).toContain('<script>alert(1)</script>');
      expect(texts).toContain('<img src=x onerror=alert(1)>');
      if (javaScriptEnabled) {
        // Nothing from a comment created elements: no img, svg outside identicons, script or iframe in bodies.
        expect(
          await page.locator('.comment-body :is(img, svg, script, iframe, object, embed, input, style)').count(),
        ).toBe(0);
      }
      await page.screenshot({
        path: screenshotPath(`hostile-comments-${javaScriptEnabled ? 'js' : 'nojs'}`),
        fullPage: true,
      });
      await context.close();
    }
  });
});
