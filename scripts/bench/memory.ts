/**
 * `npm run bench -- memory [<before-dir>]`: resident memory of an idle
 * instance, started as `npm run serve` starts it (demo on, a fresh database):
 * two seconds after it listens, then after one request to each kind of page
 * and API and a further 15 seconds idle (V8's memory reducer starts after 8);
 * then 15 s after one vote, with the vote writer thread running, and once
 * that thread has stopped for want of ballots.
 * With a built checkout of earlier code as <before-dir>, both are measured in
 * turn, before then after, for BENCH_ROUNDS rounds (3), and the medians are
 * compared. Goal: at most 128 MB idle (the idle reading).
 */
import { setTimeout as wait } from 'node:timers/promises';
import { startServer } from '../../test/helpers/server.ts';
import { envCount, median, saveResults } from './lib.ts';
import { rssMb } from './scale.ts';
import { IDLE_MS } from '../../src/lib/polls/write/writer-thread.server.ts';

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
  /** After one vote and 15 s more: the vote writer thread is running. */
  afterVoteMb: number;
  /** Once the thread has stopped (IDLE_MS after that vote) and 10 s more. */
  writerStoppedMb: number;
}

/** An open demo poll, voted in once after the idle reading. */
const VOTE_POLL = 'opgsim-distribution-retail';

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
    const idleMb = rssMb(server.pid);
    const poll = (await (await fetch(`${server.url}/api/polls/${VOTE_POLL}`)).json()) as { options: { id: string }[] };
    const vote = await fetch(`${server.url}/api/polls/${VOTE_POLL}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ optionIds: [poll.options[0]?.id] }),
    });
    await vote.arrayBuffer();
    if (vote.status !== 201) throw new Error(`the vote answered ${vote.status}`);
    await wait(15_000);
    const afterVoteMb = rssMb(server.pid);
    await wait(IDLE_MS - 15_000 + 10_000);
    return { afterStartMb, idleMb, afterVoteMb, writerStoppedMb: rssMb(server.pid) };
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
          afterVoteMb: round1(median(list.map((r) => r.afterVoteMb))),
          writerStoppedMb: round1(median(list.map((r) => r.writerStoppedMb))),
          runs: list,
        },
      ]),
  ) as Partial<Record<'before' | 'after', IdleMemory & { runs: IdleMemory[] }>>;
  console.log(
    '| build  | RSS 2 s after start | RSS idle after requests | runs (idle) | after a vote | thread stopped |',
  );
  console.log(
    '| ------ | ------------------- | ----------------------- | ----------- | ------------ | -------------- |',
  );
  for (const [name, figures] of Object.entries(summary)) {
    console.log(
      `| ${name.padEnd(6)} | ${`${figures.afterStartMb} MB`.padEnd(19)} | ${`${figures.idleMb} MB`.padEnd(23)} | ` +
        `${figures.runs.map((r) => r.idleMb).join(' / ')} | ${figures.afterVoteMb} MB | ${figures.writerStoppedMb} MB |`,
    );
  }
  saveResults('memory', { date: new Date().toISOString(), beforeDir: beforeDir ?? null, ...summary });
  const after = summary.after?.idleMb ?? Number.NaN;
  const stopped = summary.after?.writerStoppedMb ?? Number.NaN;
  // The goal is the idle reading's, as it was set; the readings after a vote are reported beside it, not hidden.
  console.log(
    `idle RSS ${after} MB (goal: at most ${IDLE_GOAL_MB} MB); after a vote ${summary.after?.afterVoteMb} MB while ` +
      `the vote writer thread runs, ${stopped} MB once it has stopped`,
  );
  if (!(after <= IDLE_GOAL_MB)) process.exitCode = 1;
}

/** The median of an even number of rounds is a mean: shown, like each reading, to 0.1 MB. */
function round1(mb: number): number {
  return Math.round(mb * 10) / 10;
}
