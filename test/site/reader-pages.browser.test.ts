import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EN } from '../../src/i18n/en.ts';
import { chartLayout, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * Every page type a reader can land on, in both languages, on a phone and a
 * desktop, light and dark: nothing wider than the screen, no chart label cut
 * off, no raw message key, and no text in the other language without a
 * `lang` saying so (a screen reader and the font choice both follow it).
 */
const env = serverAndBrowser({ env: { VOTE_RATE_LIMIT: '0' } });

const PAGE_TYPES = [
  '/',
  '/posts/opg-liquidity-ghost/',
  '/posts/opg-distribution-question/',
  '/posts/opgsim-demo/',
  '/posts/opg-liquidity-ghost/comments/',
  '/polls/',
  '/polls/opg-liquidity-ghost/',
  '/polls/opgsim-distribution-retail/',
  '/polls/opgsim-top-ten-november/',
  '/polls/opg-distribution-retail/',
  '/polls/opg-liquidity-ghost/embed/',
  '/tokens/',
  '/tokens/opgsim/',
  '/tags/',
  '/search/',
  '/about/',
  '/account/',
  '/no-such-page/',
];
const LOCALES = ['', '/zh'] as const;
const VIEWS = [
  { width: 390, height: 844, colorScheme: 'dark' },
  { width: 1280, height: 900, colorScheme: 'light' },
  { width: 390, height: 844, colorScheme: 'light' },
  { width: 1280, height: 900, colorScheme: 'dark' },
] as const;

/** Message keys, as they would show if a lookup fell through (`poll.kicker`, `cohortTable.tie`). */
const KEYS = new Set(Object.keys(EN));

interface Finding {
  kind: 'wide' | 'clipped-label' | 'undrawn-chart' | 'raw-key' | 'cjk-on-en' | 'english-on-zh';
  detail: string;
}

/**
 * Chart.js draws its tick labels inside the canvas: a label box that starts left of the canvas or ends past
 * its right edge is cut off. Each canvas is scrolled into view first, since charts draw lazily.
 */
async function clippedLabels(page: Page): Promise<{ found: Finding[]; charts: number }> {
  const found: Finding[] = [];
  let charts = 0;
  const count = await page.locator('canvas').count();
  for (let n = 0; n < count; n++) {
    const canvas = page.locator('canvas').nth(n);
    if (!(await canvas.isVisible())) continue;
    await canvas.evaluate((c, index) => c.setAttribute('data-reader-check', String(index)), n);
    await canvas.scrollIntoViewIfNeeded();
    const name = (await canvas.getAttribute('aria-label')) ?? `canvas ${n}`;
    let layout = null;
    for (let tries = 0; tries < 150 && !layout; tries++) {
      layout = await chartLayout(page, `canvas[data-reader-check="${n}"]`);
      if (!layout) await page.waitForTimeout(100);
    }
    if (!layout) {
      found.push({ kind: 'undrawn-chart', detail: name });
      continue;
    }
    charts++;
    for (const [axis, labels] of Object.entries(layout.labels))
      for (const label of labels)
        if (label.left < -0.5 || label.right > layout.canvas.width + 0.5)
          found.push({ kind: 'clipped-label', detail: `${name}: ${axis} "${label.text}"` });
  }
  return { found, charts };
}

/** What the page shows that it should not, read in the page (text nodes and their nearest `lang`). */
function inspect(page: Page, zh: boolean): Promise<Finding[]> {
  return page.evaluate(
    ({ zh, keys }) => {
      const found: { kind: string; detail: string }[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth)
        found.push({ kind: 'wide', detail: `${doc.scrollWidth}px at ${window.innerWidth}px` });
      const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;
      // Three English words in a row; addresses, symbols (all capitals) and numbers do not count.
      const englishRun = /\b[A-Za-z][a-z]+(?:[’'][a-z]+)?\s+[A-Za-z][a-z]+(?:[’'][a-z]+)?\s+[A-Za-z][a-z]+\b/;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (
          !element ||
          element.closest('script, style, noscript, code, pre, textarea, kbd, samp, [hidden], [aria-hidden="true"]')
        )
          continue;
        const text = (node.textContent ?? '').trim();
        if (!text) continue;
        const style = getComputedStyle(element);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const lang = element.closest('[lang]')?.getAttribute('lang') ?? '';
        if (keys.some((key) => text === key || text.includes(`${key} `)))
          found.push({ kind: 'raw-key', detail: text.slice(0, 80) });
        if (!zh && cjk.test(text) && !lang.startsWith('zh'))
          found.push({ kind: 'cjk-on-en', detail: text.slice(0, 80) });
        if (zh && englishRun.test(text) && !lang.startsWith('en'))
          found.push({ kind: 'english-on-zh', detail: text.slice(0, 80) });
      }
      return found as Finding[];
    },
    { zh, keys: [...KEYS].filter((k) => k.includes('.')) },
  );
}

describe('the reader-page checks themselves', () => {
  it('find each fault in a page made to have it', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/about/`);
    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      main.insertAdjacentHTML(
        'beforeend',
        '<p>This is English prose</p><p lang="en">This is marked English</p><p>poll.kicker</p>' +
          '<div style="width: 900px">wide</div>',
      );
    });
    const found = await inspect(page, true);
    expect(found.map((f) => f.kind)).toEqual(['wide', 'english-on-zh', 'raw-key']);
    expect(found.map((f) => f.detail).slice(1)).toEqual(['This is English prose', 'poll.kicker']);
    await page.goto(`${env.server.url}/about/`);
    await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<p>未标注的中文</p>'));
    expect((await inspect(page, false)).map((f) => f.kind)).toEqual(['cjk-on-en']);
    await context.close();
  });
});

describe('every reader page, both languages, phone and desktop, light and dark', () => {
  for (const locale of LOCALES) {
    for (const view of VIEWS) {
      const name = `${locale || '/'} at ${view.width}px, ${view.colorScheme}`;
      it(`${name}: fits the screen, keeps chart labels whole, shows no raw keys, and marks the other language`, async () => {
        const findings: string[] = [];
        let charts = 0;
        const context = await env.browser.newContext({
          viewport: { width: view.width, height: view.height },
          colorScheme: view.colorScheme,
        });
        const page = await context.newPage();
        for (const path of PAGE_TYPES) {
          await page.goto(`${env.server.url}${locale}${path}`);
          // Server islands and lazy parts arrive as the reader scrolls down.
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          await page.waitForTimeout(300);
          const drawn = await clippedLabels(page);
          charts += drawn.charts;
          const found = [...(await inspect(page, locale === '/zh')), ...drawn.found];
          for (const f of found) findings.push(`${locale}${path}: ${f.kind}: ${f.detail}`);
          if (view.width === 390 && view.colorScheme === 'dark')
            await page.screenshot({ path: screenshotPath(`reader${(locale + path).replaceAll('/', '-')}phone-dark`) });
        }
        await context.close();
        expect([...new Set(findings)]).toEqual([]);
        // The label check read real charts (poll results, cohorts, history, token measures), not an empty page.
        expect(charts).toBeGreaterThanOrEqual(10);
      }, 180_000);
    }
  }
});
