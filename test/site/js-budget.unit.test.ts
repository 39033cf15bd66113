import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Reads the built site (global setup ran `astro build`). */
const CLIENT = fileURLToPath(new URL('../../dist/client/', import.meta.url));
const ASSETS = join(CLIENT, '_astro');

const gz = (text: string): number => gzipSync(text, { level: 9 }).length;
const asset = (url: string): string => readFileSync(join(CLIENT, url.replace(/^\//, '')), 'utf8');

/** Static imports of a module, followed transitively; dynamic import() is not followed. */
function staticClosure(url: string, seen = new Set<string>()): Set<string> {
  if (seen.has(url)) return seen;
  seen.add(url);
  const code = asset(url);
  for (const match of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*${},\s]+from\s*)?["']([^"']+)["']/g)) {
    const spec = match[1] ?? '';
    staticClosure(new URL(spec, `http://x${url}`).pathname, seen);
  }
  return seen;
}

/** Bytes of JavaScript a page runs on load, gzipped: inline scripts plus module scripts and their static imports. */
function initialJs(page: string): { gzipBytes: number; files: string[] } {
  const html = readFileSync(join(CLIENT, page), 'utf8');
  let gzipBytes = 0;
  const files = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const attrs = match[1] ?? '';
    if (/type="application\/(ld\+)?json"/.test(attrs)) continue;
    const src = /src="([^"]+)"/.exec(attrs)?.[1];
    if (src) staticClosure(src).forEach((f) => files.add(f));
    else gzipBytes += gz(match[2] ?? '');
  }
  for (const match of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) files.add(match[1] ?? '');
  for (const file of files) gzipBytes += gz(asset(file));
  return { gzipBytes, files: [...files] };
}

describe('JavaScript budgets, from the built output', () => {
  it.each(['index.html', 'about/index.html', 'tags/index.html', 'tags/opg/index.html'])(
    '%s ships 0 bytes of JavaScript',
    (page) => {
      expect(initialJs(page)).toEqual({ gzipBytes: 0, files: [] });
    },
  );

  it.each(['posts/opg-liquidity-ghost/index.html', 'posts/opg-distribution-question/index.html'])(
    '%s ships at most 6 KB gzip before a chart is in view, and no Chart.js',
    (page) => {
      const { gzipBytes, files } = initialJs(page);
      expect(gzipBytes).toBeGreaterThan(0);
      expect(gzipBytes).toBeLessThanOrEqual(6 * 1024);
      expect(files.some((f) => /(poll|token|embed)-charts\.|chartjs\./.test(f))).toBe(false);
      expect(files.map((f) => asset(f)).join('\n')).not.toContain('chart.js');
    },
  );

  it.each(['poll-charts', 'token-charts'])(
    'the %s chunk, with what it imports, is at most 60 KB gzip and registers only what it uses',
    (name) => {
      const chunks = readdirSync(ASSETS).filter((f) => new RegExp(`^${name}\\.[\\w-]+\\.js$`).test(f));
      expect(chunks).toHaveLength(1);
      const files = [...staticClosure(`/_astro/${chunks[0] ?? ''}`)];
      const code = files.map((f) => asset(f)).join('\n');
      // Chart.js itself (its "chartjs" ids survive minifying) is among what the chunk pulls in.
      expect(code).toContain('chartjs');
      expect(files.reduce((sum, f) => sum + gz(asset(f)), 0)).toBeLessThanOrEqual(60 * 1024);
      // chart.js/auto would pull in every controller; the doughnut and radar ones must be absent.
      expect(code).not.toMatch(/doughnut|radar|polarArea/);
    },
  );
});
