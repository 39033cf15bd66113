import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCard, type CardNode, type PollCardData } from '../../src/lib/cards/card.ts';
import { CARD_QUEUE, cardDrawer } from '../../src/lib/cards/drawer.server.ts';
import { renderCard } from '../../src/lib/cards/render.server.ts';
import { pngSize } from '../helpers/png.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { childrenOf, isRunning, mappedFiles } from '../helpers/processes.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { waitUntil } from '../helpers/vote-load.ts';

/**
 * Poll cards are drawn in a child process that the server starts with the
 * first card and that exits once idle (src/lib/cards/drawer.server.ts), so
 * the server never loads the renderer. Real processes throughout: the
 * drawer's entry as built (dist/card-drawer.mjs) and from source
 * (scripts/card-drawer.ts, as `astro dev` runs it), and the built server.
 */

const ENTRIES = {
  'the built entry': fileURLToPath(new URL('../../dist/card-drawer.mjs', import.meta.url)),
  'the source entry': new URL('../../scripts/card-drawer.ts', import.meta.url),
};

/** Two options, the first leading. */
const split = (first: string, second: string): PollCardData['options'] => [
  { label: first, percent: 62, leading: true },
  { label: second, percent: 38, leading: false },
];

const poll = (data: Partial<PollCardData>): CardNode =>
  pollCard({
    question: 'Will OPG reclaim its launch price before the unlock?',
    kicker: 'Community poll',
    status: 'Voting open until 30 Nov 2026',
    options: split('Yes', 'No'),
    moreOptions: 0,
    summary: '1,234 votes',
    cohortLine: null,
    hiddenNote: null,
    ...data,
  });

const CARDS = {
  English: poll({}),
  Chinese: poll({
    lang: 'zh',
    question: 'OPG 会在解锁前回到发行价吗？',
    kicker: '社区投票',
    status: '投票截至2026年11月30日',
    options: split('会', '不会'),
    summary: '1,234 票',
  }),
};

describe('the card drawer', () => {
  it.each(Object.entries(ENTRIES))('draws with %s exactly the PNG the renderer draws in-process', async (_, script) => {
    const drawer = cardDrawer({ script, idleMs: 60_000, timeoutMs: 60_000 });
    try {
      for (const [name, node] of Object.entries(CARDS)) {
        const [drawn, inProcess] = await Promise.all([drawer.run(node), renderCard(node)]);
        expect(pngSize(drawn), name).toEqual({ width: 1200, height: 630 });
        expect(Buffer.from(drawn).equals(inProcess), name).toBe(true);
      }
      expect(childrenOf(process.pid)).toContain(drawer.pid);
    } finally {
      await drawer.close();
    }
  });
});

/** Every poll card the fixture polls have: each poll in both languages. */
const CARD_PATHS = readdirSync(FIXTURE_POLLS)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => {
    const id = file.replace(/\.yaml$/, '');
    return [`/polls/${id}/card.png`, `/zh/polls/${id}/card.png`];
  });

async function get(server: TestServer, path: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The server's card drawer: its one child process, once there is one. */
async function drawerOf(server: TestServer): Promise<number> {
  await waitUntil(() => childrenOf(server.pid).length === 1, 20_000, 'the card drawer to start');
  return childrenOf(server.pid)[0] ?? 0;
}

describe('poll cards on the built server', () => {
  // `quick` lets its drawer go after a second idle; `steady` keeps it a minute and draws every card on every request.
  let quick: TestServer;
  let steady: TestServer;
  beforeAll(async () => {
    [quick, steady] = await Promise.all([
      startServer({ env: { POLLS_DIR: FIXTURE_POLLS, CARD_DRAWER_IDLE: '1s' }, timeoutMs: 60_000 }),
      startServer({
        env: { POLLS_DIR: FIXTURE_POLLS, CARD_DRAWER_IDLE: '60s', POLL_CARD_TTL: '0' },
        timeoutMs: 60_000,
      }),
    ]);
  });
  afterAll(async () => {
    for (const s of [quick, steady]) {
      await s?.stop();
      s?.cleanup();
    }
  });

  it('are drawn in a child process that exits once idle; the next card starts a new one', async () => {
    expect(childrenOf(quick.pid)).toEqual([]);
    const card = await get(quick, '/polls/open-multi/card.png');
    expect(card.status).toBe(200);
    expect(pngSize(card.body)).toEqual({ width: 1200, height: 630 });
    const first = childrenOf(quick.pid);
    expect(first).toHaveLength(1);
    await waitUntil(() => childrenOf(quick.pid).length === 0, 20_000, 'the idle card drawer to exit');
    expect((await get(quick, '/zh/polls/open-multi/card.png')).status).toBe(200);
    const second = childrenOf(quick.pid);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
  });

  it('never load the renderer into the server: resvg’s native library is mapped in the drawer only', async () => {
    for (const path of ['/polls/open-single/card.png', '/zh/polls/open-single/card.png']) {
      expect((await get(quick, path)).status).toBe(200);
    }
    const drawer = await drawerOf(quick);
    // satori and resvg are imported by one module (render.server.ts): where one is, the other is.
    const resvg = (pid: number): string[] => mappedFiles(pid).filter((file) => /resvg.*\.node$/.test(file));
    expect(resvg(drawer)).not.toEqual([]);
    expect(resvg(quick.pid)).toEqual([]);
  });

  it(`refuse cards beyond ${CARD_QUEUE} waiting with 503 and Retry-After; a killed drawer fails its card with 503, and the rest are drawn by a new one`, async () => {
    expect((await get(steady, CARD_PATHS[0] ?? '')).status).toBe(200);
    const drawer = await drawerOf(steady);
    // Stopped, the drawer takes the next card and answers nothing: the others wait, up to the bound.
    process.kill(drawer, 'SIGSTOP');
    let answered = 0;
    const cards = CARD_PATHS.map((path) =>
      get(steady, path).then((card) => {
        answered++;
        return { path, ...card };
      }),
    );
    const refused = CARD_PATHS.length - 1 - CARD_QUEUE;
    expect(refused).toBeGreaterThan(0);
    // Only refusals can answer while the drawer is stopped.
    await waitUntil(() => answered === refused, 20_000, `${refused} cards refused`);
    process.kill(drawer, 'SIGKILL');
    const outcomes = await Promise.all(cards);

    const busy = outcomes.filter((o) => o.status === 503 && o.headers.get('retry-after') === '5');
    expect(busy).toHaveLength(refused);
    for (const card of busy) {
      expect(JSON.parse(card.body.toString())).toEqual({
        error: 'busy',
        message: 'Too many share cards are being drawn at once; try again in 5 seconds.',
      });
    }
    const failed = outcomes.filter((o) => o.status === 503 && o.headers.get('retry-after') === '1');
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]?.body.toString() ?? '')).toEqual({
      error: 'card_unavailable',
      message:
        'The share card could not be drawn: the card drawer stopped (signal SIGKILL) before it answered. Try again.',
    });
    const drawn = outcomes.filter((o) => o.status === 200);
    expect(drawn).toHaveLength(CARD_QUEUE);
    for (const card of drawn) expect(pngSize(card.body)).toEqual({ width: 1200, height: 630 });

    // The refused and the failed are drawn when asked again, by the new drawer.
    for (const card of [...busy, ...failed]) expect((await get(steady, card.path)).status).toBe(200);
    expect(isRunning(drawer)).toBe(false);
    expect(childrenOf(steady.pid)).toHaveLength(1);
    expect(steady.output()).toContain('the card drawer stopped (signal SIGKILL) before it answered');
  });

  it('leave no drawer behind when the server is killed', async () => {
    expect((await get(quick, '/polls/closed/card.png')).status).toBe(200);
    const drawer = await drawerOf(quick);
    await quick.kill();
    await waitUntil(() => !isRunning(drawer), 20_000, 'the orphaned card drawer to exit');
  });
});
