/**
 * `npm run bench -- memory [<before-dir>]`: resident memory of an idle
 * instance, started as `npm run serve` starts it (demo on, a fresh database),
 * counted over the server and every process it keeps running at the reading
 * (the card drawer, a snapshot scan; threads such as the vote writer count
 * in their process): two seconds after it listens; after one request to
 * each kind of page and API and a further 15 seconds idle (V8's memory
 * reducer starts after 8); right after one English and one Chinese share card
 * for each poll, and 15 s after them (the card drawer exits after
 * CARD_DRAWER_IDLE, 5 s); then 15 s after one vote, with the vote writer
 * thread running, and once that thread has stopped for want of ballots.
 * With a built checkout of earlier code as <before-dir>, both are measured in
 * turn, before then after, for BENCH_ROUNDS rounds (3), and the medians are
 * compared. Goals: at most 128 MB idle, at most 150 MB 15 s after the cards.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { treeRssMb } from '../../test/helpers/processes.ts';
import { envCount, median, saveResults } from './lib.ts';
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
export const CARDS_GOAL_MB = 150;

export interface IdleMemory {
  afterStartMb: number;
  idleMb: number;
  /** Right after the last card: the card drawer is still running. */
  cardsDrawnMb: number;
  /** 15 s after the cards. */
  afterCardsMb: number;
  /** Processes counted in afterCardsMb: 1 once the card drawer has exited. */
  afterCardsProcesses: number;
  /** After one vote and 15 s more: the vote writer thread is running. */
  afterVoteMb: number;
  /** Once the thread has stopped (IDLE_MS after that vote) and 10 s more. */
  writerStoppedMb: number;
}

/** An open demo poll, voted in once after the card readings. */
const VOTE_POLL = 'opgsim-distribution-retail';

async function fetchOk(server: TestServer, path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, init);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response;
}

/** One English and one Chinese card for each poll the site lists, one after another as a crawler fetches them. */
async function drawEveryCard(server: TestServer): Promise<void> {
  const { polls } = (await (await fetchOk(server, '/api/polls')).json()) as { polls: { id: string }[] };
  for (const { id } of polls) {
    for (const prefix of ['', '/zh']) {
      const card = await fetchOk(server, `${prefix}/polls/${id}/card.png`);
      if (card.headers.get('content-type') !== 'image/png') throw new Error(`${prefix}/polls/${id}/card.png: no PNG`);
      await card.arrayBuffer();
    }
  }
}

async function idleMemory(root: string | undefined): Promise<IdleMemory> {
  const server = await startServer(root ? { root } : {});
  const rss = (): number => treeRssMb(server.pid).mb;
  try {
    await wait(2000);
    const afterStartMb = rss();
    for (const path of REQUESTS) await (await fetchOk(server, path)).arrayBuffer();
    await wait(15_000);
    const idleMb = rss();
    await drawEveryCard(server);
    const cardsDrawnMb = rss();
    await wait(15_000);
    const afterCards = treeRssMb(server.pid);
    const poll = (await (await fetchOk(server, `/api/polls/${VOTE_POLL}`)).json()) as { options: { id: string }[] };
    const vote = await fetch(`${server.url}/api/polls/${VOTE_POLL}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ optionIds: [poll.options[0]?.id] }),
    });
    await vote.arrayBuffer();
    if (vote.status !== 201) throw new Error(`the vote answered ${vote.status}`);
    await wait(15_000);
    const afterVoteMb = rss();
    await wait(IDLE_MS - 15_000 + 10_000);
    return {
      afterStartMb,
      idleMb,
      cardsDrawnMb,
      afterCardsMb: afterCards.mb,
      afterCardsProcesses: afterCards.processes,
      afterVoteMb,
      writerStoppedMb: rss(),
    };
  } finally {
    await server.stop();
    server.cleanup();
  }
}

type Summary = Omit<IdleMemory, 'afterCardsProcesses'> & { runs: IdleMemory[] };

export async function benchMemory(beforeDir: string | undefined): Promise<void> {
  const rounds = envCount('BENCH_ROUNDS', 3);
  const runs: Record<'before' | 'after', IdleMemory[]> = { before: [], after: [] };
  console.log(
    `\n## memory: an idle instance and the processes it keeps, ${rounds} rounds` +
      `${beforeDir ? `, before (${beforeDir}) and after` : ''}`,
  );
  for (let round = 0; round < rounds; round++) {
    if (beforeDir) runs.before.push(await idleMemory(beforeDir));
    runs.after.push(await idleMemory(undefined));
  }
  const medianOf = (list: IdleMemory[], key: keyof Omit<IdleMemory, 'afterCardsProcesses'>): number =>
    round1(median(list.map((r) => r[key])));
  const summary = Object.fromEntries(
    Object.entries(runs)
      .filter(([, list]) => list.length > 0)
      .map(([name, list]): [string, Summary] => [
        name,
        {
          afterStartMb: medianOf(list, 'afterStartMb'),
          idleMb: medianOf(list, 'idleMb'),
          cardsDrawnMb: medianOf(list, 'cardsDrawnMb'),
          afterCardsMb: medianOf(list, 'afterCardsMb'),
          afterVoteMb: medianOf(list, 'afterVoteMb'),
          writerStoppedMb: medianOf(list, 'writerStoppedMb'),
          runs: list,
        },
      ]),
  ) as Partial<Record<'before' | 'after', Summary>>;
  console.log(
    '| build  | 2 s after start | idle after requests | runs (idle) | cards just drawn | 15 s after cards | ' +
      'runs (after cards, processes) | after a vote | thread stopped |',
  );
  console.log(
    '| ------ | --------------- | ------------------- | ----------- | ---------------- | ---------------- | ' +
      '------------------------------ | ------------ | -------------- |',
  );
  for (const [name, f] of Object.entries(summary)) {
    console.log(
      `| ${name.padEnd(6)} | ${f.afterStartMb} MB | ${f.idleMb} MB | ${f.runs.map((r) => r.idleMb).join(' / ')} | ` +
        `${f.cardsDrawnMb} MB | ${f.afterCardsMb} MB | ` +
        `${f.runs.map((r) => `${r.afterCardsMb} (${r.afterCardsProcesses})`).join(' / ')} | ` +
        `${f.afterVoteMb} MB | ${f.writerStoppedMb} MB |`,
    );
  }
  saveResults('memory', { date: new Date().toISOString(), beforeDir: beforeDir ?? null, ...summary });
  const after = summary.after;
  const idle = after?.idleMb ?? Number.NaN;
  const cards = after?.afterCardsMb ?? Number.NaN;
  // The goals are the idle and after-cards readings'; the others are reported beside them, not hidden.
  console.log(
    `idle RSS ${idle} MB (goal: at most ${IDLE_GOAL_MB} MB); 15 s after a card per poll and language ${cards} MB ` +
      `(goal: at most ${CARDS_GOAL_MB} MB; ${after?.cardsDrawnMb} MB just after, the card drawer still running); ` +
      `after a vote ${after?.afterVoteMb} MB while the vote writer thread runs, ${after?.writerStoppedMb} MB once ` +
      'it has stopped (each the server and every process it keeps)',
  );
  if (!(idle <= IDLE_GOAL_MB) || !(cards <= CARDS_GOAL_MB)) process.exitCode = 1;
}

/** The median of an even number of rounds is a mean: shown, like each reading, to 0.1 MB. */
function round1(mb: number): number {
  return Math.round(mb * 10) / 10;
}
