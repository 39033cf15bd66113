import { format } from 'node:util';
import { escapeLogText } from './log.ts';

/**
 * Makes every console line the server process writes one escaped line
 * (log.ts): Astro, its content layer and the project's own code all log
 * through the console, and some of what they log comes from requests. A
 * stack trace stays whole, its line breaks written as `\n`. Colours are
 * turned off first, since their escapes would be escaped too. Called once,
 * before the site's code loads, by scripts/serve.ts.
 */
export function guardConsoleLines(): void {
  process.env.NO_COLOR = '1';
  const line =
    (stream: NodeJS.WriteStream) =>
    (...args: unknown[]): void =>
      void stream.write(`${escapeLogText(format(...args))}\n`);
  console.log = console.info = console.debug = line(process.stdout);
  console.warn = console.error = line(process.stderr);
}
