import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.ts';

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
