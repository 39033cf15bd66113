import { existsSync } from 'node:fs';
import { ensureDebianProgram, onPath } from './debian.ts';

/** Debian's Chromium, never a browser downloaded by a test tool. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** The Chromium to drive: CHROMIUM_PATH, else `chromium` on PATH, else null. */
export function findChromium(): string | null {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : null;
  return onPath('chromium') ?? onPath('chromium-browser');
}

/** Finds Chromium, installing Debian's package when it is missing and this process may. */
export function ensureChromium(): string {
  if (process.env.CHROMIUM_PATH && !findChromium()) {
    throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`);
  }
  return ensureDebianProgram('Chromium', 'chromium', findChromium);
}
