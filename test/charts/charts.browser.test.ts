import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  chartLayout,
  openDetails,
  paintedPixels,
  screenshotPath,
  serverAndBrowser,
  type ChartLayout,
} from '../helpers/browser.ts';
import { vote } from '../helpers/polls.ts';
import { startServer } from '../helpers/server.ts';

/**
 * The charts as a reader meets them, on the demo as npm start shows it: bar
 * labels whole on a phone and a desktop, in English and Chinese; time axes
 * spaced by time; a poll without votes saying so; a post's charts without
 * JavaScript giving their figures rather than "Loading…".
 */
const env = serverAndBrowser();

const SCREENS: [string, BrowserContextOptions][] = [
  ['phone', { viewport: { width: 390, height: 844 }, colorScheme: 'dark' }],
  ['desktop', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
];

/** Scrolls a canvas into view (charts load lazily) and waits until Chart.js has drawn it. */
async function drawn(page: Page, selector: string): Promise<ChartLayout> {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await expect
    .poll(async () => (await paintedPixels(page, selector))[0] ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(500);
  const layout = await chartLayout(page, selector);
  if (!layout) throw new Error(`no chart drawn in ${selector}`);
  return layout;
}

/** Every tick label of every axis lies inside the canvas: none is cut at an edge. */
function expectLabelsInside(layout: ChartLayout): void {
  for (const [axis, labels] of Object.entries(layout.labels)) {
    for (const label of labels) {
      expect({ axis, label: label.text, left: label.left >= -0.5 }).toEqual({ axis, label: label.text, left: true });
      expect({ axis, label: label.text, right: label.right <= layout.canvas.width + 0.5 }).toEqual({
        axis,
        label: label.text,
        right: true,
      });
    }
  }
}

describe('charts in Chromium', () => {
  it('keeps every bar label whole beside its bar, on a phone and a desktop, in English and Chinese', async () => {
    for (const [screen, options] of SCREENS) {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      for (const path of [
        '/polls/opgsim-distribution-retail/',
        '/polls/opg-liquidity-ghost/',
        '/zh/polls/opgsim-distribution-retail/',
      ]) {
        await page.goto(`${env.server.url}${path}`);
        const results = await drawn(page, 'canvas[data-chart="results"]');
        expectLabelsInside(results);
        // The labels are the options' whole labels, broken into lines, not cut.
        expect(results.labels.y).toHaveLength(4);
        if (path === '/polls/opgsim-distribution-retail/') {
          expect(results.labels.y?.[0]?.text).toBe('Yes: small holders hold more of it than before');
          // The stacked bars by cohort too.
          expectLabelsInside(await drawn(page, 'canvas[data-chart="cohorts"]'));
        }
        if (screen === 'phone') {
          await page
            .locator('figure:has(canvas[data-chart="results"])')
            .screenshot({ path: screenshotPath(`chart-bars${path.replace(/\W+/g, '-')}phone`) });
        }
      }
      await context.close();
    }
  });

  it('bolds the leader by votes and says "tie" when the top options tie, whatever the rounded shares', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    // Imported 1, 1, 0 and 1 votes: shown as 34%, 33%, 0% and 33%, but a three-way tie.
    await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    const tied = await drawn(page, 'canvas[data-chart="results"]');
    expect(tied.labels.y?.map((l) => [l.text.endsWith('(tie)'), /bold/.test(l.font)])).toEqual([
      [true, true],
      [true, true],
      [false, false],
      [true, true],
    ]);
    await page.goto(`${env.server.url}/zh/polls/opg-liquidity-ghost/`);
    const inChinese = await drawn(page, 'canvas[data-chart="results"]');
    expect(inChinese.labels.y?.filter((l) => l.text.endsWith('（并列）'))).toHaveLength(3);
    // One leader: bold, no "tie".
    await page.goto(`${env.server.url}/polls/opgsim-distribution-retail/`);
    const led = await drawn(page, 'canvas[data-chart="results"]');
    expect(led.labels.y?.map((l) => /bold/.test(l.font))).toEqual([false, true, false, false]);
    expect(led.labels.y?.some((l) => l.text.includes('tie'))).toBe(false);
    await context.close();
  });

  it('spaces snapshots and answers by time, not by their order', async () => {
    for (const [, options] of SCREENS) {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      // OPGSIM's fourteen weekly snapshots, from 1 September to 1 December.
      await page.goto(`${env.server.url}/tokens/opgsim/`);
      const concentration = await drawn(page, 'canvas[data-chart="concentration"]');
      const points = concentration.points[0] ?? [];
      expect(points).toHaveLength(14);
      const first = points[0];
      const last = points.at(-1);
      if (!first || !last) throw new Error('no points');
      const perMs = (last.px - first.px) / (last.x - first.x);
      for (const point of points) expect(Math.abs(first.px + (point.x - first.x) * perMs - point.px)).toBeLessThan(1);
      expectLabelsInside(concentration);
      // The Gini coefficient on its own 0–1 axis, beside the percentages.
      expect(concentration.labels.gini?.map((l) => l.text)).toEqual([
        '0.0',
        '0.1',
        '0.2',
        '0.3',
        '0.4',
        '0.5',
        '0.6',
        '0.7',
        '0.8',
        '0.9',
        '1.0',
      ]);
      expect(concentration.labels.y?.at(-1)?.text).toBe('100%');

      // In the post, the readers' answers (cast from 1 October on) sit among the snapshots, by their days.
      await page.goto(`${env.server.url}/posts/opgsim-demo/`);
      const beside = page.locator('figure.chain-embed', { hasText: 'Readers’ answers beside' });
      await expect.poll(() => beside.count(), { timeout: 10_000 }).toBe(1);
      const vs = await drawn(page, 'chain-chart[data-poll] canvas');
      const answers = vs.points[0] ?? [];
      const chain = vs.points.at(-1) ?? [];
      expect(answers.length).toBeGreaterThan(10);
      expect(chain).toHaveLength(14);
      const start = chain[0];
      const end = chain.at(-1);
      if (!start || !end) throw new Error('no points');
      const scale = (end.px - start.px) / (end.x - start.x);
      for (const answer of answers) {
        expect(Math.abs(start.px + (answer.x - start.x) * scale - answer.px)).toBeLessThan(1);
        expect(answer.x).toBeGreaterThanOrEqual(Date.parse('2026-10-01T00:00:00Z'));
      }
      expectLabelsInside(vs);
      await context.close();
    }
  });

  it('draws ballots from a single hour as one moment in the middle, with its date, and says times are UTC', async () => {
    // A server of its own without the demo's ballots: the two ballots cast here are the poll's only ones.
    const fresh = await startServer({ env: { DEMO_FIXTURE: 'none' } });
    try {
      for (const option of ['toward-whales', 'cannot-tell'])
        expect((await vote(fresh.url, 'opgsim-distribution-retail', [option])).status).toBe(201);
      const today = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
        new Date(),
      );
      const context = await env.browser.newContext({ viewport: { width: 1000, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${fresh.url}/polls/opgsim-distribution-retail/`);
      const history = await drawn(page, 'canvas[data-chart="history"]');
      for (const dataset of history.points) {
        expect(dataset).toHaveLength(1);
        expect(Math.abs((dataset[0]?.px ?? 0) - (history.area.left + history.area.right) / 2)).toBeLessThan(1);
      }
      expect(history.labels.x?.map((l) => l.text)).toContain(today);
      const figure = page.locator('figure:has(canvas[data-chart="history"])');
      await expect(figure.locator('.chart-note').innerText()).resolves.toBe('Times in UTC.');
      // The table names the day the ballots were cast.
      await openDetails(figure.locator('summary'));
      await expect(figure.locator('tbody th').first().innerText()).resolves.toMatch(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}$/);
      await context.close();
    } finally {
      await fresh.stop();
      fresh.cleanup();
    }
  });

  it('says a poll without votes has nothing to chart, instead of drawing bare axes', async () => {
    for (const [screen, options] of SCREENS) {
      const context = await env.browser.newContext(options);
      const page = await context.newPage();
      await page.goto(`${env.server.url}/polls/opg-distribution-retail/`);
      for (const name of ['results', 'history']) {
        const figure = page.locator(`figure:has(canvas[data-chart="${name}"])`);
        await figure.scrollIntoViewIfNeeded();
        await expect(figure.locator('[data-chart-empty]').innerText()).resolves.toBe(
          'No votes yet, so there is nothing to chart.',
        );
        expect(await figure.locator('.chart-box').isVisible()).toBe(false);
      }
      await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
      const beside = page.locator('figure.chain-embed', { hasText: 'Readers’ answers beside' });
      await expect.poll(() => beside.count(), { timeout: 10_000 }).toBe(1);
      await expect(beside.locator('.notice').innerText()).resolves.toBe(
        'No answers yet and no on-chain data for $OPG, so there is nothing to chart.',
      );
      expect(await beside.locator('canvas').count()).toBe(0);
      await beside.screenshot({ path: screenshotPath(`chart-empty-${screen}`) });
      await context.close();
    }
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/polls/opg-distribution-retail/`);
    await expect(page.locator('figure:has(canvas[data-chart="history"]) [data-chart-empty]').innerText()).resolves.toBe(
      '还没有投票，暂时没有可画的图。',
    );
    await context.close();
  });

  it('gives a post’s charts as tables without JavaScript, and never “Loading…”', async () => {
    for (const [screen, options] of SCREENS) {
      const context = await env.browser.newContext({ ...options, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${env.server.url}/posts/opgsim-demo/`);
      const fallbacks = page.locator('.chart-fallback');
      await expect(fallbacks.count()).resolves.toBe(2);
      for (const loading of await page.locator('.chart-loading').all()) expect(await loading.isVisible()).toBe(false);
      for (const text of await fallbacks.allInnerTexts()) expect(text).not.toContain('Loading');
      const frames = page.locator('iframe.chart-frame');
      await expect(frames.count()).resolves.toBe(2);
      // The frames load as they near the screen.
      for (const frame of await frames.all()) await frame.scrollIntoViewIfNeeded();
      // Answers beside the top-10 share: a row for each snapshot's day, the answers' day and the unlock days.
      const beside = page.frameLocator('iframe.chart-frame >> nth=0');
      await expect(beside.locator('figcaption').innerText()).resolves.toContain('Readers’ answers beside');
      await expect(beside.locator('table').isVisible()).resolves.toBe(true);
      await expect(beside.locator('tbody th').allInnerTexts()).resolves.toContain('1 Dec 2026');
      // The Gini coefficient: a row for each of the fourteen snapshots.
      const gini = page.frameLocator('iframe.chart-frame >> nth=1');
      await expect(gini.locator('tbody tr').count()).resolves.toBe(14);
      await expect(gini.locator('table').isVisible()).resolves.toBe(true);
      // And on a page of its own, linked.
      const own = await page.locator('.chart-fallback a').first().getAttribute('href');
      expect(own).toBe('/charts/chain/?poll=opgsim-distribution-retail&metric=top10Share');
      await page.locator('.chart-fallback').first().scrollIntoViewIfNeeded();
      await page
        .locator('.chart-fallback')
        .first()
        .screenshot({ path: screenshotPath(`chart-nojs-${screen}`) });
      await context.close();
    }
    // The page refuses what is no chart, and knows no poll or token it does not have.
    const bad = await fetch(`${env.server.url}/charts/chain/?symbol=OPG&metric=price`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/metric must be one of/);
    expect((await fetch(`${env.server.url}/charts/chain/?symbol=ZZZ&metric=gini`)).status).toBe(404);
    expect((await fetch(`${env.server.url}/zh/charts/chain/?symbol=OPGSIM&metric=gini`)).status).toBe(200);
  });
});
