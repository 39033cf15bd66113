/**
 * `npm run bench -- memory [<before-dir>]`: resident memory of an idle
 * instance, started as `npm run serve` starts it (demo on, a fresh database):
 * two seconds after it listens, then after one request to each kind of page
 * and API and a further 15 seconds idle (V8's memory reducer starts after 8).
 * With a built checkout of earlier code as <before-dir>, both are measured in
 * turn, before then after, for BENCH_ROUNDS rounds (3), and the medians are
 * compared. Goal: at most 128 MB idle.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { startServer } from '../../test/helpers/server.ts';
import { envCount, median, saveResults } from './lib.ts';
import { rssMb } from './scale.ts';

/** One of each kind of response: static pages, rendered pages in both languages, the APIs. */
const REQUESTS = [
  '/',
  '/posts/opg-liquidity-ghost/',
  '/polls/',
  '/polls/opgsim-distribution-retail/',
  '/zh/polls/opgsim-distribution-retail/',
  '/tokens/opgsim/',
  '/api/polls/opgsim-distribution-retail',
  '/api/tokens/OPGSIM/snapshots',
  '/api/health',
];
export const IDLE_GOAL_MB = 128;

export interface IdleMemory {
  afterStartMb: number;
  idleMb: number;
}

async function idleMemory(root: string | undefined): Promise<IdleMemory> {
  const server = await startServer(root ? { root } : {});
  try {
    await wait(2000);
    const afterStartMb = rssMb(server.pid);
    for (const path of REQUESTS) {
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    }
    await wait(15_000);
    return { afterStartMb, idleMb: rssMb(server.pid) };
  } finally {
    await server.stop();
    server.cleanup();
  }
}

export async function benchMemory(beforeDir: string | undefined): Promise<void> {
  const rounds = envCount('BENCH_ROUNDS', 3);
  const runs: Record<'before' | 'after', IdleMemory[]> = { before: [], after: [] };
  console.log(`\n## memory: an idle instance, ${rounds} rounds${beforeDir ? `, before (${beforeDir}) and after` : ''}`);
  for (let round = 0; round < rounds; round++) {
    if (beforeDir) runs.before.push(await idleMemory(beforeDir));
    runs.after.push(await idleMemory(undefined));
  }
  const summary = Object.fromEntries(
    Object.entries(runs)
      .filter(([, list]) => list.length > 0)
      .map(([name, list]) => [
        name,
        {
          afterStartMb: round1(median(list.map((r) => r.afterStartMb))),
          idleMb: round1(median(list.map((r) => r.idleMb))),
          runs: list,
        },
      ]),
  ) as Partial<Record<'before' | 'after', IdleMemory & { runs: IdleMemory[] }>>;
  console.log('| build  | RSS 2 s after start | RSS idle after requests | runs (idle) |');
  console.log('| ------ | ------------------- | ----------------------- | ----------- |');
  for (const [name, figures] of Object.entries(summary)) {
    console.log(
      `| ${name.padEnd(6)} | ${`${figures.afterStartMb} MB`.padEnd(19)} | ${`${figures.idleMb} MB`.padEnd(23)} | ` +
        `${figures.runs.map((r) => r.idleMb).join(' / ')} |`,
    );
  }
  saveResults('memory', { date: new Date().toISOString(), beforeDir: beforeDir ?? null, ...summary });
  const after = summary.after?.idleMb ?? Number.NaN;
  console.log(`idle RSS ${after} MB (goal: at most ${IDLE_GOAL_MB} MB)`);
  if (!(after <= IDLE_GOAL_MB)) process.exitCode = 1;
}

/** The median of an even number of rounds is a mean: shown, like each reading, to 0.1 MB. */
function round1(mb: number): number {
  return Math.round(mb * 10) / 10;
}
