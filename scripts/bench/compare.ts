/**
 * `npm run bench:compare -- <before-dir> [rounds] [section ...]`: the same
 * benchmarks on two checkouts of the site, run in turn (before, after,
 * before, after, ...) so that a noisy machine shifts both alike. Each figure
 * is taken as a ratio to its yardstick in the same run (the bare node:http
 * server for the article page, the article page for poll reads and votes;
 * ingestion has none and is compared as it is), and the median over the
 * rounds is reported. <before-dir> is a built checkout of the earlier code
 * (for example a `git worktree` of the commit before a change, with
 * `npm run build` run in it); this checkout is "after" and is built here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type LoadResult } from './lib.ts';
import { answerHelp } from '../usage.ts';

const AFTER = fileURLToPath(new URL('../..', import.meta.url));
const USAGE = 'usage: npm run bench:compare -- <before-dir> [rounds=3] [article|paths|polls|ingest ...]';
answerHelp(USAGE);
const [beforeArg, roundsArg, ...sectionArgs] = process.argv.slice(2);
if (!beforeArg) {
  console.error(USAGE);
  process.exit(2);
}
const BEFORE = resolve(beforeArg);
const ROUNDS = Number(roundsArg ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`rounds must be a positive whole number, not ${JSON.stringify(roundsArg)}`);
  process.exit(2);
}
const SECTIONS = sectionArgs.length > 0 ? sectionArgs : ['article', 'polls', 'ingest'];

interface Figure {
  label: string;
  /** The figure, as a ratio to its yardstick where it has one. */
  value: number;
  /** The raw rate behind it, for the table. */
  raw: number;
}

/** What run.ts saves in bench-results/<section>.json, as far as this compares it. */
interface SavedResults {
  site?: LoadResult;
  bare?: LoadResult;
  small?: LoadResult;
  big?: LoadResult;
  votes?: LoadResult;
  article?: LoadResult;
  logsPerSecond?: number;
  /** paths: each figure's ratio to the article page, per round. */
  ratios?: Record<string, number[]>;
}

function figuresOf(dir: string, section: string): Figure[] {
  const data = JSON.parse(readFileSync(join(dir, 'bench-results', `${section}.json`), 'utf8')) as SavedResults;
  const ratio = (label: string, figure?: LoadResult, yardstick?: LoadResult): Figure => {
    if (!figure || !yardstick) throw new Error(`${dir}/bench-results/${section}.json lacks the figures for ${label}`);
    return { label, value: figure.requestsPerSecond / yardstick.requestsPerSecond, raw: figure.requestsPerSecond };
  };
  switch (section) {
    case 'article':
      return [ratio('article page ÷ bare node:http', data.site, data.bare)];
    case 'polls':
      return [
        ratio('results read, 100 votes ÷ article page', data.small, data.article),
        ratio('results read, 1,000,000 votes ÷ article page', data.big, data.article),
        ratio('votes ÷ article page', data.votes, data.article),
      ];
    case 'paths':
      return Object.entries(data.ratios ?? {}).map(([name, ratios]) => ({
        label: `${name} ÷ article page`,
        value: median(ratios),
        raw: median(ratios),
      }));
    case 'ingest':
      return [{ label: 'ingestion, logs/s', value: Number(data.logsPerSecond), raw: Number(data.logsPerSecond) }];
    default:
      throw new Error(`no comparison for section ${section}`);
  }
}

function run(dir: string, section: string): Figure[] {
  const started = Date.now();
  const { status } = spawnSync(process.execPath, ['scripts/bench/run.ts', section], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // run.ts exits with 1 when a figure misses its goal; the figures still count if it saved them.
  const saved = statSync(join(dir, 'bench-results', `${section}.json`), { throwIfNoEntry: false });
  if (!saved || saved.mtimeMs < started) throw new Error(`${section} in ${dir} saved no results (exit ${status})`);
  if (status !== 0) console.error(`${section} in ${dir}: a figure missed its goal (exit ${status})`);
  return figuresOf(dir, section);
}

execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--silent'], {
  cwd: AFTER,
  stdio: 'inherit',
});
const runs = new Map<string, { before: Figure[]; after: Figure[] }>();
for (let round = 1; round <= ROUNDS; round++) {
  for (const section of SECTIONS) {
    for (const [side, dir] of [
      ['before', BEFORE],
      ['after', AFTER],
    ] as const) {
      console.error(`round ${round}/${ROUNDS}: ${section}, ${side}`);
      for (const figure of run(dir, section)) {
        const entry = runs.get(figure.label) ?? { before: [], after: [] };
        entry[side].push(figure);
        runs.set(figure.label, entry);
      }
    }
  }
}

const rows = [...runs].map(([label, { before, after }]) => {
  const b = median(before.map((f) => f.value));
  const a = median(after.map((f) => f.value));
  return {
    figure: label,
    before: Number(b.toFixed(3)),
    after: Number(a.toFixed(3)),
    'after ÷ before': Number((a / b).toFixed(3)),
    'raw before': before.map((f) => f.raw).join(' / '),
    'raw after': after.map((f) => f.raw).join(' / '),
  };
});
console.table(rows);
console.log(JSON.stringify({ rounds: ROUNDS, date: new Date().toISOString(), rows }));
