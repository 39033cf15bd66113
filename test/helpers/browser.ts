import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.ts';
import { startServer, type StartOptions, type TestServer } from './server.ts';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../browser/__screenshots__/', import.meta.url));

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
