/**
 * `npm run bench:lighthouse`: Lighthouse's default (mobile) audit of the home
 * page, the article and About in both languages' versions, two poll pages and
 * the tokens index in both languages (rendered on demand), in Debian's
 * Chromium, against the built site.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, ensureChromium } from '../../test/helpers/chromium.ts';
import { startServer } from '../../test/helpers/server.ts';
import { saveResults } from './lib.ts';

const PAGES = [
  '/',
  '/posts/opg-liquidity-ghost/',
  '/about/',
  '/zh/',
  '/zh/posts/opg-liquidity-ghost/',
  '/polls/opg-liquidity-ghost/',
  '/zh/polls/opg-distribution-retail/',
  '/tokens/',
  '/zh/tokens/',
];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const TARGETS: Record<(typeof CATEGORIES)[number], number> = {
  performance: 98,
  accessibility: 100,
  'best-practices': 100,
  seo: 100,
};

async function startChromium(): Promise<{ port: number; stop: () => void }> {
  const profile = mkdtempSync(join(tmpdir(), 'lighthouse-chromium-'));
  const child = spawn(
    ensureChromium(),
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code}: ${err}`)));
  });
  return {
    port,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const server = await startServer();
const chrome = await startChromium();
const rows: Record<string, string | number>[] = [];
let missed = false;
try {
  for (const path of PAGES) {
    const result = await lighthouse(`${server.url}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...CATEGORIES],
    });
    if (!result) throw new Error(`lighthouse returned nothing for ${path}`);
    const row: Record<string, string | number> = { page: path };
    for (const category of CATEGORIES) {
      const score = Math.round((result.lhr.categories[category]?.score ?? 0) * 100);
      row[category] = score;
      if (score < TARGETS[category]) {
        missed = true;
        const failing = Object.values(result.lhr.audits)
          .filter(
            (a) =>
              a.score !== null &&
              a.score < 1 &&
              a.scoreDisplayMode !== 'informative' &&
              a.scoreDisplayMode !== 'manual',
          )
          .map((a) => `${a.id} (${a.score})`);
        console.warn(`${path} ${category} ${score} < ${TARGETS[category]}; audits below 1: ${failing.join(', ')}`);
      }
    }
    row['LCP ms'] = Math.round(result.lhr.audits['largest-contentful-paint']?.numericValue ?? 0);
    row['TBT ms'] = Math.round(result.lhr.audits['total-blocking-time']?.numericValue ?? 0);
    rows.push(row);
  }
} finally {
  chrome.stop();
  await server.stop();
  server.cleanup();
}
console.table(rows);
saveResults('lighthouse', { date: new Date().toISOString(), rows });
if (missed) {
  console.error('Some scores are below their targets (see above).');
  process.exitCode = 1;
}
