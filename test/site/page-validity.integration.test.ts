import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * What an outside accessibility and validity check found, on the pages as a
 * fresh start serves them (the demo loaded): scroll regions reachable by
 * keyboard, no style sheet inside a body <noscript>, no form in a closed poll,
 * no empty table header while a token has no data.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ timeoutMs: 60_000 });
});
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

const html = async (path: string): Promise<string> => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status, path).toBe(200);
  return res.text();
};
const PAGES = [
  '/tokens/',
  '/tokens/opgsim/',
  '/polls/opgsim-distribution-retail/',
  '/polls/opgsim-top-ten-november/',
  '/polls/opgsim-team-cliff/',
  '/polls/',
  '/posts/opgsim-demo/',
  '/polls/opg-liquidity-ghost/',
];

describe('pages as an outside check reads them', () => {
  it.each(PAGES)('%s: every wide table scrolls in a focusable, named region, never inside another', async (path) => {
    const page = await html(path);
    const regions = [...page.matchAll(/<div class="table-scroll"([^>]*)>/g)];
    for (const [, attributes] of regions) {
      expect(attributes).toMatch(/role="region"/);
      expect(attributes).toMatch(/tabindex="0"/);
      expect(attributes).toMatch(/aria-label="[^"]+"/);
    }
    // A region opened before the previous one closed would be nested: count the depth along the page.
    let depth = 0;
    let deepest = 0;
    for (const tag of page.matchAll(/<div class="table-scroll"|<\/table>\s*<\/div>/g)) {
      depth += tag[0].startsWith('<div') ? 1 : -1;
      deepest = Math.max(deepest, depth);
    }
    expect(deepest).toBeLessThanOrEqual(1);
  });

  it.each(PAGES)('%s: no <style> inside a <noscript> in the body', async (path) => {
    const body = (await html(path)).split('<body')[1] ?? '';
    for (const [block] of body.matchAll(/<noscript>[\s\S]*?<\/noscript>/g)) expect(block).not.toContain('<style');
  });

  it('shows a closed poll’s results without a form or inputs, and an open one with its form', async () => {
    const closed = await html('/polls/opg-liquidity-ghost/embed/');
    expect(closed).not.toMatch(/<form[^>]*method="post"/);
    expect(closed).not.toContain('name="optionIds"');
    expect(closed).toContain('poll-closed-results');
    const open = await html('/polls/opgsim-distribution-retail/embed/');
    expect(open).toMatch(/<form[^>]*method="post"/);
    expect(open).toContain('name="optionIds"');
  });

  it('renders no empty table header in a chart of a token with no data', async () => {
    // The post's charts are server islands: fetch each as the page's script would.
    const post = await html('/posts/opg-distribution-question/');
    const islands = [...post.matchAll(/_server-islands\/ChainChartIsland[^"']*/g)].map(([u]) =>
      u.replace(/&amp;/g, '&'),
    );
    expect(islands.length).toBeGreaterThan(0);
    const charts = await Promise.all(islands.map((u) => html(`/${u}`)));
    expect(charts.join('')).toContain('No on-chain data for $OPG yet, so there is nothing to chart.');
    for (const chart of charts) expect(chart).not.toMatch(/<th scope="col"[^>]*>\s*<\/th>/);
  });
});
