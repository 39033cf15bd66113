import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, paintedCharts, type TestBrowser } from '../helpers/browser.ts';
import { startCohortPageServer } from '../helpers/cohorts.ts';
import { vote } from '../helpers/polls.ts';

/**
 * A token poll's page as a reader sees it in Chromium: the cohort table, the
 * four tallies and the two cohort charts, in light and dark, and the same
 * page without JavaScript.
 */

let setup: Awaited<ReturnType<typeof startCohortPageServer>>;
let browser: TestBrowser;

beforeAll(async () => {
  [setup, browser] = await Promise.all([startCohortPageServer(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await setup?.stop();
});

const url = (path: string): string => `${setup.server.url}${path}`;

describe('results by cohort in Chromium', () => {
  it('shows the table and tallies, and draws both cohort charts once in view, light and dark', async () => {
    const backgrounds = new Set<string>();
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1000, height: 700 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url('/polls/tok-open/'));
      const table = page.locator('[data-cohort-table]');
      await expect(table.locator('tr[data-cohort="whale"]').innerText()).resolves.toMatch(/^Whales\s+5\s+20%/);
      await expect(table.locator('tr[data-cohort="insiders"]').innerText()).resolves.toMatch(
        /^Insiders\s+fewer than 5 voters$/,
      );
      const tallies = page.locator('[data-tallies] thead th[data-tally]');
      expect(await tallies.count()).toBe(4);
      await expect(page.locator('[data-tally-summary="tokens"]').innerText()).resolves.toContain('Beta leads.');
      await expect(page.locator('[data-disagreement]').innerText()).resolves.toBe(
        'Wallets lean Alpha; tokens lean Beta.',
      );
      // The four tallies sit side by side, and the table fits the width.
      const tops = await tallies.evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().top)));
      expect(new Set(tops).size).toBe(1);
      const fits = await page
        .locator('[data-tallies]')
        .evaluate((t) => t.getBoundingClientRect().right <= (t.parentElement?.getBoundingClientRect().right ?? 0) + 1);
      expect(fits).toBe(true);

      await page.locator('cohort-charts canvas[data-chart="cohort-history"]').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.querySelectorAll('cohort-charts .chart-legend').length === 2);
      const painted = await paintedCharts(page, 'cohort-charts canvas', 2);
      expect(painted).toHaveLength(2);
      expect(painted.every((n) => n > 500)).toBe(true);
      // Hidden cohorts are in neither chart.
      const legends = await page.locator('cohort-charts .chart-legend').allInnerTexts();
      expect(legends[0]?.split('\n')).toEqual(['Alpha', 'Beta', 'Gamma']);
      expect(legends[1]).toContain('Whales');
      expect(legends.join()).not.toMatch(/Insiders|Holds none/);
      expect(await page.locator('canvas[data-chart="cohorts"]').getAttribute('aria-label')).not.toMatch(
        /Insiders|Holds none/,
      );
      // With JavaScript the history table folds under its chart.
      expect(await page.locator('cohort-charts details.chart-table').getAttribute('open')).toBeNull();
      backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      expect(errors).toEqual([]);
      await context.close();
    }
    expect(backgrounds.size).toBe(2);
  });

  it('redraws sentiment by cohort for another option in place', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(url('/polls/tok-open/'));
    await page.locator('[data-cohort-option]').scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => document.querySelector<HTMLFormElement>('[data-cohort-option-form]')?.dataset.live,
    );
    expect(await page.locator('[data-cohort-option-submit]').isVisible()).toBe(false);
    await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
    await page.locator('[data-cohort-option]').selectOption('b');
    const caption = page.locator('figure:has(canvas[data-chart="cohort-history"]) figcaption');
    await expect(caption.innerText()).resolves.toContain('“Beta”');
    await page.locator('cohort-charts details.chart-table summary').click();
    // Whales chose Beta 4 to 1: 80%.
    await expect(page.locator('[data-cohort-history-table] tbody tr').last().innerText()).resolves.toMatch(/\t80%\t/);
    expect(new URL(page.url()).searchParams.get('option')).toBe('b');
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
    // The phone layout: nothing wider than the screen but the tables, which scroll inside their box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('works without JavaScript: the tables carry every figure and the option form reloads', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(url('/polls/tok-open/'));
    await expect(page.locator('tr[data-cohort="none"]').innerText()).resolves.toMatch(
      /^Holds none\s+fewer than 5 voters$/,
    );
    await expect(page.locator('[data-tally-summary="squareRoot"]').innerText()).resolves.toContain('Beta leads.');
    // No empty canvases; the history table is open.
    expect(await page.locator('cohort-charts .chart-box').first().isVisible()).toBe(false);
    expect(await page.locator('[data-cohort-history-table]').isVisible()).toBe(true);
    await page.locator('[data-cohort-option]').selectOption('c');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/option=c/);
    await expect(page.locator('figure:has([data-cohort-history-table]) figcaption').innerText()).resolves.toContain(
      '“Gamma”',
    );
    await expect(page.locator('.poll-summary').innerText()).resolves.toBe(
      '33 votes · 29 wallet-verified · tokens lean Beta · Open',
    );
    await context.close();
  });

  it('keeps the widget’s line live: the counts from the tally, what the cohorts add re-read after it', async () => {
    const context = await browser.newContext();
    // Counts the tallies the widget renders, so the test knows when the stream is connected.
    await context.addInitScript(() => {
      const w = window as unknown as { tallies: number };
      w.tallies = 0;
      document.addEventListener('poll:update', () => (w.tallies += 1));
    });
    const page = await context.newPage();
    await page.goto(url('/polls/tok-open/embed/'));
    const line = page.locator('.poll-summary');
    await expect(line.innerText()).resolves.toBe('33 votes · 29 wallet-verified · tokens lean Beta · Open');
    expect(await page.locator('.poll-cohort-link').getAttribute('href')).toBe('/polls/tok-open/#cohorts');
    // Wait for the stream to connect (its first tally), then vote from outside the page.
    await page.waitForFunction(() => (window as unknown as { tallies: number }).tallies > 0);
    // Spoil the cohort part: only a fresh read of the cohort figures can put it right again.
    await page.evaluate(() => {
      const text = document.querySelector('[data-cohort-text]');
      if (text) text.textContent = 'stale';
    });
    expect((await vote(setup.server.url, 'tok-open', ['c'])).status).toBe(201);
    await page.waitForFunction(
      () => document.querySelector('[data-cohort-text]')?.textContent === 'tokens lean Beta',
      undefined,
      {
        timeout: 10_000,
      },
    );
    await expect(line.innerText()).resolves.toBe('34 votes · 29 wallet-verified · tokens lean Beta · Open');
    await context.close();
  });
});
