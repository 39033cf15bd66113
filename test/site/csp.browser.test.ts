import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { networkWatch, serverAndBrowser, upgraded } from '../helpers/browser.ts';
import { injectWallet } from '../helpers/injected-wallet.ts';
import { newAccount } from '../helpers/wallet.ts';

/**
 * Every page type under the site's Content-Security-Policy, in Chromium: any
 * `securitypolicyviolation` event or CSP console error fails the test.
 */
const env = serverAndBrowser();

interface Watched {
  context: BrowserContext;
  page: Page;
  network: ReturnType<typeof networkWatch>;
  problems: () => Promise<string[]>;
}

async function watched(): Promise<Watched> {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      ),
    );
  });
  const page = await context.newPage();
  const network = networkWatch(page);
  const console: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) console.push(message.text());
  });
  const problems = async (): Promise<string[]> => {
    const frames = await Promise.all(
      page
        .frames()
        .map((frame) =>
          frame.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []).catch(() => [] as string[]),
        ),
    );
    return [...frames.flat(), ...console];
  };
  return { context, page, network, problems };
}

/** Loads a page and scrolls through it, so lazy charts, islands and the comments code all run. */
async function visit({ page, network }: Watched, path: string): Promise<void> {
  const response = await page.goto(`${env.server.url}${path}`);
  expect(response?.status(), path).toBe(200);
  expect(response?.headers()['content-security-policy'], path).toContain('script-src');
  await page.evaluate(async () => {
    for (let y = 0; y <= document.body.scrollHeight; y += 400) {
      window.scrollTo(0, y);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  });
  await network.settled();
}

const PAGES = [
  '/',
  '/zh/',
  '/about/',
  '/tags/opg/',
  '/posts/opg-liquidity-ghost/',
  '/zh/posts/opg-liquidity-ghost/',
  '/posts/opgsim-demo/',
  '/polls/',
  '/polls/opgsim-distribution-retail/',
  '/polls/opgsim-top-ten-november/',
  '/polls/opg-liquidity-ghost/embed/',
  '/tokens/opgsim/',
  '/zh/tokens/opgsim/',
  '/tokens/opg/',
  '/account/',
  '/posts/opg-liquidity-ghost/comments/',
];

describe('the content security policy in Chromium', () => {
  it.each(PAGES)('%s runs with no policy violation', async (path) => {
    const watch = await watched();
    const { context, problems } = watch;
    await visit(watch, path);
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('runs search (Pagefind’s WebAssembly) with no violation, in both languages', async () => {
    const watch = await watched();
    const { context, page, problems } = watch;
    for (const [path, query] of [
      ['/search/?q=ghost', 'ghost'],
      ['/zh/search/?q=幽灵', '幽灵'],
    ] as const) {
      await visit(watch, path);
      await page.waitForFunction(
        (q) => document.querySelector('[data-search-status]')?.textContent?.includes(q),
        query,
      );
      await expect(page.locator('[data-search-results] li').count()).resolves.toBeGreaterThan(0);
    }
    expect(await problems()).toEqual([]);
    await context.close();
  });

  it('signs in with the injected wallet, comments, votes and copies a link with no violation', async () => {
    const watch = await watched();
    const { context, page, problems } = watch;
    await injectWallet(context, newAccount());
    await visit(watch, '/posts/opg-distribution-question/');
    await page.locator('post-comments').getByRole('button', { name: 'Sign in with wallet' }).click();
    await page.locator('post-comments').getByText('Commenting as').waitFor();
    await page.locator('post-comments textarea').fill('Checked under the content security policy.');
    await page.locator('post-comments').getByRole('button', { name: 'Post comment' }).click();
    await page.locator('post-comments').getByText('Checked under the content security policy.').waitFor();
    const widget = page.locator('poll-widget');
    await widget.scrollIntoViewIfNeeded();
    await upgraded(widget);
    await widget.getByLabel('Neither: it has barely moved').check();
    await widget.getByRole('button', { name: 'Vote' }).click();
    // The server's first ballot starts its vote writer thread, which on a loaded machine can take over a second.
    await expect
      .poll(() => widget.locator('[data-message]').innerText(), { timeout: 10_000 })
      .toBe('Thanks, your vote is counted.');
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('[data-copy-link]').click();
    await expect.poll(() => page.locator('[data-copy-link]').innerText()).toBe('Copied');
    expect(await problems()).toEqual([]);
    await context.close();
  });
});
