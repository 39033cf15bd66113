import { describe, expect, it } from 'vitest';
import { DEMO_LATEST_BLOCK } from '../helpers/demo-fixture.ts';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

// The demo's snapshots, and a scheduler whose RPC never answers (nothing listens on port 9).
const env = serverAndBrowser({ env: { RPC_URL_31337: 'http://127.0.0.1:9', SNAPSHOT_EVERY: '2s' }, timeoutMs: 60_000 });

describe('snapshot freshness on the token page, in Chromium', () => {
  it('says when the last snapshot was taken and, after a failed scan, that it failed and when it is retried', async () => {
    const backgrounds = new Set<string>();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, viewport] of [
        ['phone', { width: 390, height: 800 }],
        ['desktop', { width: 1100, height: 800 }],
      ] as const) {
        const context = await env.browser.newContext({ colorScheme, viewport, javaScriptEnabled: false });
        const page = await context.newPage();
        const line = page.locator('[data-freshness]');
        // The first scan fails within a few seconds; reload until the page says so (past the minute it may be cached).
        for (let i = 0; i < 60; i++) {
          await page.goto(`${env.server.url}/tokens/opgsim/?reload=${i}`);
          if ((await line.getAttribute('data-failing')) === 'true') break;
          await page.waitForTimeout(500);
        }
        await expect(line.innerText()).resolves.toMatch(
          new RegExp(
            `^Updated every 2 s; last snapshot 1 Dec 2026, \\d\\d:\\d\\d UTC \\(block ${DEMO_LATEST_BLOCK}\\); the last attempt failed` +
              '(; the next is due \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d UTC| and is being retried now)$',
          ),
        );
        const style = await line.evaluate((el) => ({
          color: getComputedStyle(el).color,
          background: getComputedStyle(document.body).backgroundColor,
        }));
        backgrounds.add(style.background);
        expect(style.color).not.toBe(style.background);
        await line.screenshot({ path: screenshotPath(`freshness-${colorScheme}-${device}`) });
        await context.close();
      }
    }
    expect(backgrounds.size).toBe(2);
  });
});
