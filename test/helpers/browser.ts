import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
  type Request,
} from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.ts';
import { startServer, type StartOptions, type TestServer } from './server.ts';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../__screenshots__/', import.meta.url));

export interface TestBrowser {
  browser: Browser;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core, headless. Playwright gives every
 * launch a fresh temporary profile (user-data dir) and removes it on close.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: CHROMIUM_ARGS.filter((arg) => arg !== '--headless'),
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    newContext: (options) => browser.newContext(options),
    close: () => browser.close(),
  };
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOT_DIR, `${name}.png`);
}

/**
 * The usual browser-test setup: a fresh server and Chromium for the file,
 * started before its tests and stopped after. Read them from the returned
 * object inside tests.
 */
export function serverAndBrowser(options: StartOptions = {}): {
  readonly server: TestServer;
  readonly browser: TestBrowser;
} {
  const state = {} as { server: TestServer; browser: TestBrowser };
  beforeAll(async () => {
    [state.server, state.browser] = await Promise.all([startServer(options), launchBrowser()]);
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.stop();
    state.server?.cleanup();
  });
  return state;
}

/**
 * Opens the <details> a summary belongs to, as a reader does, and waits until it is open. Server islands
 * arriving above can move the summary between Playwright's hit check and its click on a loaded machine, so the
 * click is repeated until the details really is open (a missed click opens nothing, so nothing is toggled twice).
 */
export async function openDetails(summary: Locator): Promise<void> {
  const details = summary.locator('xpath=..');
  await expect
    .poll(
      async () => {
        if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await summary.click();
        return details.evaluate((d) => (d as HTMLDetailsElement).open);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
}

/**
 * A custom element once its script has upgraded it (CSS :defined). Until then a click reaches the plain
 * server-rendered form, which posts as it would without JavaScript.
 */
export async function upgraded(element: Locator): Promise<Locator> {
  await expect.poll(() => element.evaluate((e) => e.matches(':defined')), { timeout: 10_000 }).toBe(true);
  return element;
}

/**
 * Counts a page's requests still waiting for an answer, so a test can wait until the page has asked for
 * everything it will ask for. Playwright's own `networkidle` waits for every body to end, and some never end
 * as far as Chromium reports: live result streams, and a server island's fetch when Chromium answers it from
 * the island's finished `<link rel="preload">` (which happens when the preload ends before the island's script
 * asks, as on a loaded machine). CI once waited 30 s for it. A request counts until its answer's head arrives,
 * or it fails. Attach before the page navigates.
 */
export function networkWatch(page: Page): { settled(quietMs?: number): Promise<void> } {
  const inFlight = new Set<Request>();
  page.on('request', (request) => inFlight.add(request));
  page.on('response', (response) => inFlight.delete(response.request()));
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  return {
    async settled(quietMs = 500) {
      const deadline = Date.now() + 15_000;
      let quietSince = Date.now();
      for (;;) {
        if (inFlight.size > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= quietMs) return;
        if (Date.now() > deadline) {
          throw new Error(`still loading after 15 s: ${[...inFlight].map((r) => r.url()).join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** How many pixels each matching canvas has drawn (alpha > 0): proof that a chart rendered. */
export function paintedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (canvases) =>
    canvases.map((canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++;
      return inked;
    }),
  );
}

/**
 * Scrolls each matching canvas into view (charts load lazily) and waits until
 * `count` of them have each painted more than `min` pixels. Chart.js paints
 * after sizing the canvas and animates, later on a loaded machine, so this
 * waits for the paint itself rather than a fixed time.
 */
export async function paintedCharts(page: Page, selector: string, count: number, min = 500): Promise<number[]> {
  for (const canvas of await page.locator(selector).all()) await canvas.scrollIntoViewIfNeeded();
  let painted: number[] = [];
  await expect
    .poll(
      async () => {
        painted = await paintedPixels(page, selector);
        return painted.length === count && painted.every((n) => n > min);
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return painted;
}

/** What a drawn Chart.js chart shows, in CSS pixels of its canvas (chartLayout). */
export interface ChartLayout {
  canvas: { width: number; height: number };
  area: { left: number; right: number; top: number; bottom: number };
  /** Every axis's tick labels: text (lines joined by a space), and the box each is drawn in. */
  labels: Record<string, { text: string; left: number; right: number; font: string }[]>;
  /** Per dataset: each point's value on the x axis and where it is drawn. */
  points: { x: number; px: number; py: number }[][];
}

/**
 * Reads a drawn chart through Chart.js itself (Chart.getChart), found among
 * the page's loaded modules: the chart code keeps it out of `window`, and a
 * module imported again is the same instance, with the same charts.
 */
export async function chartLayout(page: Page, canvasSelector: string): Promise<ChartLayout | null> {
  // A string, so the test runner's bundler leaves its import() alone: it must run in the page.
  await page.evaluate(`(async () => {
    const urls = performance.getEntriesByType('resource').map((e) => e.name)
      .filter((url) => /\\/_astro\\/[^/]+\\.js$/.test(new URL(url).pathname));
    for (const url of urls) {
      const found = Object.values(await import(url)).find((v) => typeof v === 'function' && typeof v.getChart === 'function');
      if (found) { window.__chartJs = found; return; }
    }
  })()`);
  return page.evaluate((selector) => {
    interface Item {
      label: string | string[];
      font: { string: string };
      options: { textAlign: string; translation: [number, number] };
    }
    interface Scale {
      getLabelItems(): Item[];
    }
    interface Drawn {
      chartArea: ChartLayout['area'];
      scales: Record<string, Scale>;
      data: { datasets: { data: unknown[] }[] };
      getDatasetMeta(i: number): { data: { x: number; y: number }[] };
    }
    type ChartClass = { getChart(canvas: HTMLCanvasElement): Drawn | undefined };
    const canvas = document.querySelector<HTMLCanvasElement>(selector);
    const chartJs = (window as unknown as { __chartJs?: ChartClass }).__chartJs;
    const chart = canvas ? chartJs?.getChart(canvas) : undefined;
    if (!canvas || !chart) return null;
    const context = canvas.getContext('2d');
    if (!context) return null;
    const labels: ChartLayout['labels'] = {};
    for (const [id, scale] of Object.entries(chart.scales)) {
      labels[id] = scale.getLabelItems().map((item) => {
        const lines = Array.isArray(item.label) ? item.label : [item.label];
        context.save();
        context.font = item.font.string;
        const width = Math.max(0, ...lines.map((line) => context.measureText(String(line)).width));
        context.restore();
        const [x] = item.options.translation;
        const left =
          item.options.textAlign === 'right' ? x - width : item.options.textAlign === 'center' ? x - width / 2 : x;
        return { text: lines.join(' '), left, right: left + width, font: item.font.string };
      });
    }
    const { left, right, top, bottom } = chart.chartArea;
    return {
      canvas: { width: canvas.clientWidth, height: canvas.clientHeight },
      area: { left, right, top, bottom },
      labels,
      points: chart.data.datasets.map((dataset, i) =>
        (chart?.getDatasetMeta(i).data ?? []).map((element, n) => {
          const raw = dataset.data[n];
          const x = typeof raw === 'object' && raw !== null && 'x' in raw ? Number(raw.x) : n;
          return { x, px: element.x, py: element.y };
        }),
      ),
    };
  }, canvasSelector);
}
