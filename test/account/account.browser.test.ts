import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';
import { WITHOUT_NETWORK_LIMITS } from '../helpers/comments.ts';
import { FIXTURE_POLLS, vote } from '../helpers/polls.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * The signed-in Account page as a reader sees it, in both languages, on a
 * phone in dark mode and a desktop in light mode, with and without
 * JavaScript: the full address on one screen's width, the sessions,
 * comments and ballots, and a ballot withdrawn by its form.
 */

const env = serverAndBrowser({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0', ...WITHOUT_NETWORK_LIMITS } });
const SLUG = 'opg-liquidity-ghost';

const VARIANTS = [
  { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' },
  { name: 'desktop-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
] as const;

/** A new wallet with a ballot in each fixture poll it may vote in and one comment; its session cookie. */
async function reader(): Promise<{ address: string; cookie: string }> {
  const account = newAccount();
  const cookie = await signIn(env.server.url, account);
  expect((await vote(env.server.url, 'open-change', ['b'], { cookie })).status).toBe(201);
  expect((await vote(env.server.url, 'open-single', ['a'], { cookie })).status).toBe(201);
  const res = await fetch(`${env.server.url}/api/posts/${SLUG}/comments`, {
    method: 'POST',
    headers: { origin: env.server.url, cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'Liquidity looks thin on the ghost pool.' }),
  });
  expect(res.status).toBe(201);
  return { address: account.address, cookie };
}

async function contextFor(cookie: string, js: boolean, variant: (typeof VARIANTS)[number]): Promise<BrowserContext> {
  const [name = '', value = ''] = cookie.split('=');
  const context = await env.browser.newContext({
    javaScriptEnabled: js,
    viewport: variant.viewport,
    colorScheme: variant.colorScheme,
  });
  await context.addCookies([{ name, value, url: env.server.url }]);
  return context;
}

describe('the Account page in Chromium', () => {
  for (const js of [true, false]) {
    for (const locale of ['en', 'zh'] as const) {
      it(`shows the wallet's data and withdraws a ballot (${locale}, JavaScript ${js ? 'on' : 'off'})`, async () => {
        const { address, cookie } = await reader();
        const path = locale === 'zh' ? '/zh/account/' : '/account/';
        for (const variant of VARIANTS) {
          const context = await contextFor(cookie, js, variant);
          const page = await context.newPage();
          await page.goto(`${env.server.url}${path}`);
          await expect(page.locator('[data-full-address]').textContent()).resolves.toBe(address);
          expect(await page.locator('[data-session]').count()).toBe(1);
          expect(await page.locator('[data-comment]').count()).toBe(1);
          expect(await page.locator('[data-ballot]').count()).toBe(2);
          // The copy button needs a script and a clipboard; without JavaScript the address is there to select.
          expect(await page.locator('button[data-copy]').isVisible()).toBe(js);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(width).toBeLessThanOrEqual(variant.viewport.width);
          await page.screenshot({
            path: screenshotPath(`account-${locale}-${variant.name}-${js ? 'js' : 'nojs'}`),
            fullPage: true,
          });
          await context.close();
        }

        const context = await contextFor(cookie, js, VARIANTS[0]);
        const page = await context.newPage();
        await page.goto(`${env.server.url}${path}`);
        await page.locator('[data-withdraw="open-change"]').click();
        await page.locator('[data-notice]').waitFor();
        expect(await page.locator('[data-notice]').textContent()).toContain(
          locale === 'zh' ? '选票已撤回' : 'Ballot withdrawn',
        );
        expect(await page.locator('[data-ballot]').count()).toBe(1);
        expect(await page.locator('[data-final="no_change"]').count()).toBe(1);
        await context.close();
      });
    }
  }
});
