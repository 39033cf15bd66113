import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findNginx } from '../../scripts/nginx.ts';
import { ensureChromium } from './chromium.ts';
import { ensureDebianProgram } from './debian.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs once before all tests: builds the site the integration and browser
 * tests serve, and makes sure Chromium (browser tests) and nginx (proxy
 * tests) are there.
 */
export default function setup(): void {
  process.env.CHROMIUM_PATH = ensureChromium();
  ensureDebianProgram('nginx', 'nginx', findNginx);
  if (process.env.SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--silent'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
}
