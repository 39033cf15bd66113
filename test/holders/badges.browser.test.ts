import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser, upgraded } from '../helpers/browser.ts';
import { injectWallet } from '../helpers/injected-wallet.ts';
import { importSnapshots, testAddress } from '../helpers/snapshots.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Holder badges as a reader sees them: a wallet that holds OPG in the
 * latest snapshot signs in through the page, comments, and its badge is
 * on the comment the widget adds; a wallet that holds none gets "holds
 * none"; without JavaScript the discussion page shows the same badges.
 */

const ARTICLE = '/posts/opg-distribution-question/';
const env = serverAndBrowser();
const whale = newAccount();
const reader = newAccount();

beforeAll(async () => {
  // Supply 1,000,000 OPG at block 2,000: the whale holds 5,000 (0.5%), and has since block 1,000.
  importSnapshots(env.server.databaseUrl, 'OPG', [
    [
      1000,
      '2025-10-01',
      [
        [whale.address.toLowerCase(), 10],
        [testAddress(0xf1), 90],
      ],
    ],
    [
      2000,
      '2025-11-01',
      [
        [whale.address.toLowerCase(), 5000],
        [testAddress(0xf1), 995_000],
      ],
    ],
  ]);
  // Over the API beforehand, so the page without JavaScript has both kinds of badge whatever ran before it:
  // the reader, a wallet in no snapshot, and the whale.
  for (const [account, body] of [
    [reader, 'I hold none and still have a view.'],
    [whale, 'Written before the page was opened.'],
  ] as const) {
    const res = await fetch(`${env.server.url}/api/posts/opg-distribution-question/comments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: env.server.url,
        cookie: await signIn(env.server.url, account),
      },
      body: JSON.stringify({ body }),
    });
    expect(res.status).toBe(201);
  }
});

const commentBy = (page: Page, text: string) => page.locator('article.comment').filter({ hasText: text });

describe('holder badges in Chromium', () => {
  it('shows the badge on a comment the reader adds, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 900, height: 1000 } });
      await injectWallet(context, whale);
      const page = await context.newPage();
      await page.goto(`${env.server.url}${ARTICLE}`);
      const comments = page.locator('post-comments');
      // The discussion's script loads as it comes into view; a click before it has loaded does nothing.
      await comments.locator('h2').scrollIntoViewIfNeeded();
      await upgraded(comments);
      await comments.getByRole('button', { name: 'Sign in with wallet' }).click();
      await comments.getByText('Commenting as').waitFor();
      const text = `A whale speaks, ${colorScheme}.`;
      await comments.getByLabel('Your comment').fill(text);
      await comments.getByRole('button', { name: 'Post comment' }).click();
      const mine = commentBy(page, text);
      await mine.waitFor();

      const badge = mine.locator('.holder-badge');
      await expect(badge.innerText()).resolves.toBe('OPG whale');
      await expect(badge.getAttribute('title')).resolves.toBe(
        'OPG whale at the latest snapshot: block 2000, 1 Nov 2025',
      );
      await expect(mine.locator('.holder-since').innerText()).resolves.toBe('holding since 1 Oct 2025 (block 1000)');
      await expect(commentBy(page, 'I hold none').locator('.holder-badge').innerText()).resolves.toBe('OPG holds none');
      await expect(commentBy(page, 'I hold none').locator('.holder-since').count()).resolves.toBe(0);
      await expect(comments.locator('.holder-note').innerText()).resolves.toContain(
        'Holder badges: OPG at its latest snapshot, block 2000 of 1 Nov 2025.',
      );

      // Readable in both schemes: the badge's text stands out from its background.
      const [color, background] = await badge.evaluate((el) => {
        const style = getComputedStyle(el);
        return [style.color, style.backgroundColor];
      });
      expect(color).not.toBe(background);
      await comments.screenshot({ path: screenshotPath(`holder-badges-${colorScheme}`) });
      await context.close();
    }
  });

  it('shows the same badges without JavaScript', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-distribution-question/comments/`);
    const badges = await page.locator('article.comment .holder-badge').allInnerTexts();
    expect(badges).toContain('OPG whale');
    expect(badges).toContain('OPG holds none');
    await page.screenshot({ path: screenshotPath('holder-badges-nojs-phone'), fullPage: true });
    await context.close();
  });
});
