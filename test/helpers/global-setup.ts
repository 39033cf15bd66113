import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs once before all tests: builds the site the integration and browser
 * tests serve, and makes sure Chromium is there for the browser tests.
 */
export default function setup(): void {
  process.env.CHROMIUM_PATH = ensureChromium();
  if (process.env.SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--silent'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
}
