import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

// The poll lives at 127.0.0.1; the page embedding it is another site, served as localhost.
const env = serverAndBrowser();
const POLL = 'opgsim-distribution-retail';
let host: Server;
let hostUrl: string;

beforeAll(async () => {
  const oembed = (await (
    await fetch(`${env.server.url}/oembed?url=${encodeURIComponent(`${env.server.url}/polls/${POLL}/`)}`)
  ).json()) as { html: string };
  host = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><html lang="en"><title>A blog</title><h1>Someone else's blog</h1>${oembed.html}<p>After the poll.</p></html>`,
      ),
  );
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

describe('a poll embedded on another site, in Chromium', () => {
  it('loads in the frame and takes the height the poll inside reports', async () => {
    const context = await env.browser.newContext({ viewport: { width: 700, height: 900 } });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const frame = page.locator(`iframe[data-sentiment-desk-poll="${POLL}"]`);
    const initial = await frame.getAttribute('height');
    await expect(page.frameLocator('iframe').locator('.poll-question').innerText()).resolves.toMatch(
      /^Simulated demo:/,
    );
    // public/embed.js sets the frame's height from the embed page's message.
    await expect
      .poll(() => frame.evaluate((el) => (el as HTMLIFrameElement).style.height), { timeout: 10_000 })
      .toMatch(/^\d+px$/);
    const reported = await frame.evaluate((el) => (el as HTMLIFrameElement).style.height);
    const inside = await page
      .frameLocator('iframe')
      .locator('html')
      .evaluate((el) => el.scrollHeight);
    expect(Number.parseInt(reported, 10)).toBe(inside);
    expect(reported).not.toBe(`${initial}px`);
    await page.screenshot({ path: screenshotPath('embed-on-another-site'), fullPage: true });
    await context.close();
  });

  it('counts one ballot per reader voting inside the frame on another site, across reloads', async () => {
    const total = async (): Promise<number> =>
      ((await (await fetch(`${env.server.url}/api/polls/${POLL}`)).json()) as { totalVotes: number }).totalVotes;
    const before = await total();
    const context = await env.browser.newContext({ viewport: { width: 700, height: 1000 } });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const poll = page.frameLocator('iframe');
    await poll.locator('input[value="unchanged"]').check();
    await poll.locator('[data-vote-button]').click();
    await expect.poll(() => poll.locator('[data-my-vote]').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await total()).toBe(before + 1);
    // Back on the other site later: the frame still knows this reader's ballot, and a change replaces it.
    await page.reload();
    await expect.poll(() => poll.locator('[data-my-vote-text]').innerText(), { timeout: 10_000 }).toContain('Neither');
    await poll.locator('input[value="cannot-tell"]').check();
    await poll.locator('[data-vote-button]').click();
    await expect.poll(() => poll.locator('[data-my-vote-text]').innerText(), { timeout: 10_000 }).toContain('Too soon');
    expect(await total()).toBe(before + 1);
    // The cookie that made it so is the embed's: partitioned, for that site's frames.
    const cookies = await context.cookies(env.server.url);
    expect(cookies.find((c) => c.name === 'voter')).toMatchObject({ sameSite: 'None', secure: true });
    await context.close();
  });
});
