import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFixtures, tokenSnapshots, votes } from '../../db/schema.ts';
import type { DemoFixture } from '../../src/lib/demo/fixture.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { buildCopy } from '../helpers/build-copy.ts';
import { getResults } from '../helpers/polls.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';

/**
 * The simulated demo as a fresh clone gets it: `npm start` on an empty
 * database loads the committed fixture, and DEMO=off (built and started so)
 * leaves no trace of it anywhere.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const POLL = 'opgsim-distribution-retail';
const POST = '/posts/opgsim-demo/';
const FIXTURE = JSON.parse(readFileSync(join(ROOT, 'db/demo/opgsim.json'), 'utf8')) as DemoFixture;
const BALLOTS = FIXTURE.polls.find((p) => p.id === POLL)?.ballots ?? [];
const SETTLED = 'opgsim-top-ten-november';
const SETTLED_BALLOTS = FIXTURE.polls.find((p) => p.id === SETTLED)?.ballots ?? [];
const CLIFF = 'opgsim-team-cliff';
const ALL_BALLOTS = FIXTURE.polls.reduce((n, p) => n + p.ballots.length, 0);

interface Results {
  question: string;
  totalVotes: number;
  verifiedVotes: number;
  weighting: { block: number; simulated: boolean };
  cohorts: { id: string; hidden: boolean; voters: number | null }[];
  disagreement: string | null;
}

let dir: string;
let server: TestServer;
const started: TestServer[] = [];

/** A server on this file's database (kept across restarts, as a real one is). */
async function start(
  env: Record<string, string> = {},
  root?: string,
  databaseUrl = `file:${join(dir, 'app.db')}`,
): Promise<TestServer> {
  const s = await startServer({ databaseUrl, env, ...(root ? { root } : {}) });
  started.push(s);
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-demo-'));
  server = await start();
});

afterAll(async () => {
  for (const s of started) {
    await s.stop();
    s.cleanup();
  }
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, at = server): Promise<Response> => fetch(`${at.url}${path}`);
/** The fixture's last snapshot before an instant: where a poll opening then is weighted. */
const lastBefore = (iso: string) => FIXTURE.snapshots.filter((s) => s.takenAt < Date.parse(iso)).at(-1);

describe('the demo on a fresh database', () => {
  it('is loaded from db/demo/opgsim.json on the first start', () => {
    expect(server.output()).toContain(
      `demo: loaded opgsim (simulated): ${FIXTURE.snapshots.length} OPGSIM snapshots, ${ALL_BALLOTS} ballots`,
    );
  });

  it('has a poll the simulated chain settled, scored from its ballots, and a track record labelled simulated', async () => {
    const resolution = (
      (await (await get(`/api/polls/${SETTLED}`)).json()) as {
        resolution: {
          status: string;
          simulated: boolean;
          outcome: string;
          start: { block: number };
          end: { block: number };
          accuracy: { ballots: { right: number; scored: number } };
        };
      }
    ).resolution;
    // From the weighting snapshot (the last before it opened) to the first on or after 1 November.
    expect(resolution).toMatchObject({
      status: 'resolved',
      simulated: true,
      start: { block: lastBefore('2026-10-01T00:00:00Z')?.block },
      end: { block: FIXTURE.snapshots.find((s) => s.takenAt >= Date.parse('2026-11-01T00:00:00Z'))?.block },
    });
    // Every ballot carries a date inside the poll's days, and the accuracy is counted from them here.
    const opens = Date.parse('2026-10-01T00:00:00Z');
    const closes = Date.parse('2026-10-12T00:00:00Z');
    expect(SETTLED_BALLOTS.every((b) => b.at >= opens && b.at < closes)).toBe(true);
    const scored = SETTLED_BALLOTS.filter((b) => b.optionIds[0] !== 'unsure');
    expect(resolution.accuracy.ballots).toEqual({
      right: scored.filter((b) => b.optionIds[0] === resolution.outcome).length,
      scored: scored.length,
      share: expect.any(Number),
    });
    const record = (await (await get('/api/track-record?token=OPGSIM')).json()) as {
      polls: { id: string; simulated: boolean }[];
    };
    expect(record.polls.map((p) => p.id).sort()).toEqual([SETTLED, CLIFF].sort());
    expect(record.polls.every((p) => p.simulated)).toBe(true);
    const page = await (await get(`/polls/${SETTLED}/`)).text();
    expect(page).toContain('data-resolution-simulated');
    expect(page).toContain('Resolved by the chain');
    expect(await (await get('/polls/')).text()).toContain('simulated data</span>');
  });

  it('has a poll the chain settled on a flow: what insiders sent to exchanges around the team cliff', async () => {
    const resolution = (
      (await (await get(`/api/polls/${CLIFF}`)).json()) as {
        resolution: {
          status: string;
          outcome: string;
          change: number;
          start: { block: number; value: number };
          end: { block: number };
          description: string;
        };
      }
    ).resolution;
    const start = lastBefore('2026-10-02T00:00:00Z');
    const end = FIXTURE.snapshots.find((s) => s.takenAt >= Date.parse('2026-11-02T00:00:00Z'));
    if (!start || !end) throw new Error('the demo has the snapshots either side');
    // Counted here from the fixture's own transfers: the one cliff between the two snapshots (13 October,
    // 15,000,000 released), its window from 7 days before to 30 after, up to the settling block. Insiders'
    // own transfers to the exchange, and the unlabelled wallets they paid in the window, after and up to
    // what those were paid.
    const cliff = Date.parse('2026-10-13T00:00:00Z');
    const DAY = 86_400_000;
    const insiders = new Set([
      '0x000000000000000000000000000000000000cafe',
      '0x000000000000000000000000000000000000feed',
    ]);
    const EXCHANGE = '0x00000000000000000000000000000000000e0e0e';
    const rows = FIXTURE.transfers.rows
      .map((line) => line.split(':'))
      .map(([block, , time, , from, to, amount]) => ({
        block: Number(block),
        time: Number(time),
        from: String(from),
        to: String(to),
        amount: BigInt(amount ?? '0'),
      }))
      .filter((t) => t.time >= cliff - 7 * DAY && t.time < cliff + 30 * DAY && t.block <= end.block);
    const paid = new Map<string, bigint>();
    let sent = 0n;
    for (const t of rows) {
      if (insiders.has(t.from) && t.to === EXCHANGE) sent += t.amount;
      else if (insiders.has(t.from) && !insiders.has(t.to)) paid.set(t.to, (paid.get(t.to) ?? 0n) + t.amount);
      else if (t.to === EXCHANGE && (paid.get(t.from) ?? 0n) > 0n) {
        const counted = t.amount < (paid.get(t.from) ?? 0n) ? t.amount : (paid.get(t.from) ?? 0n);
        sent += counted;
        paid.set(t.from, (paid.get(t.from) ?? 0n) - counted);
      }
    }
    const share = Number((sent * 1_000_000_000n) / (15_000_000n * 10n ** 18n)) / 1e9;
    expect(share).toBeGreaterThan(0.1);
    expect(resolution).toMatchObject({
      status: 'resolved',
      start: { block: start.block, value: 0 },
      end: { block: end.block },
      change: Number(share.toFixed(6)),
      outcome: share > 0.5 ? 'most' : share >= 0.1 ? 'some' : 'little',
    });
    expect(resolution.description).toContain('insiders sent to exchanges came to');
    const page = await (await get(`/polls/${CLIFF}/`)).text();
    expect(page).toContain('Resolved by the chain');
    expect(page).toContain(`${(share * 100).toFixed(1)}%`);
  });

  it('lists the demo post, which says it is simulated and embeds the poll and the chain chart', async () => {
    expect(await (await get('/')).text()).toContain(`href="${POST}"`);
    expect(await (await get('/rss.xml')).text()).toContain(`${POST}</link>`);
    const post = await (await get(POST)).text();
    expect(post).toContain('<strong>Simulated demo.</strong>');
    expect(post).toContain(`id="poll-${POLL}"`);
    expect(post).toContain('Loading readers’ answers and on-chain data…');
  });

  it('has the demo poll, labelled simulated, with at least three holder cohorts above the privacy floor', async () => {
    const { polls } = (await (await get('/api/polls')).json()) as { polls: { id: string }[] };
    expect(polls.map((p) => p.id)).toContain(POLL);
    const results = (await getResults(server.url, POLL)) as unknown as Results;
    expect(results.question).toMatch(/^Simulated demo: /);
    expect(results.totalVotes).toBe(BALLOTS.length);
    expect(results.verifiedVotes).toBe(BALLOTS.filter((b) => b.address !== null).length);
    // Weighted at the third snapshot, the last before the poll opened.
    expect(results.weighting).toMatchObject({ block: lastBefore('2026-10-01T00:00:00Z')?.block, simulated: true });
    const shown = results.cohorts.filter((c) => !c.hidden && c.id !== 'unverified');
    expect(shown.length).toBeGreaterThanOrEqual(3);
    for (const c of shown) expect(c.voters).toBeGreaterThanOrEqual(5);
    expect(results.disagreement).not.toBeNull();
  });

  it('has the OPGSIM snapshots, every one simulated, and says so on the token page', async () => {
    const { snapshots } = (await (await get('/api/tokens/opgsim/snapshots')).json()) as {
      snapshots: { block: number; simulated: boolean; all: { holderCount: number } }[];
    };
    expect(snapshots.map((s) => s.block)).toEqual(FIXTURE.snapshots.map((s) => s.block));
    expect(snapshots.every((s) => s.simulated)).toBe(true);
    expect(snapshots.map((s) => s.all.holderCount)).toEqual(
      FIXTURE.snapshots.map((s) => Object.keys(s.holders).length),
    );
    expect(await (await get('/tokens/opgsim/')).text()).toContain('Simulated data.');
  });

  it('is not loaded twice: a restart on the same database leaves it as it was', async () => {
    await server.stop();
    server = await start();
    expect(server.output()).not.toContain('demo: loaded');
    expect(((await getResults(server.url, POLL)) as unknown as Results).totalVotes).toBe(BALLOTS.length);
  });

  it('replaces the demo data, not adds to it, when the fixture changes', async () => {
    const edited = join(dir, 'opgsim.json');
    const fewer = { ...FIXTURE, polls: [{ id: POLL, ballots: BALLOTS.slice(1) }] };
    writeFileSync(edited, JSON.stringify(fewer));
    await server.stop();
    const changed = await start({ DEMO_FIXTURE: edited });
    expect(changed.output()).toContain(`${BALLOTS.length - 1} ballots`);
    expect(((await getResults(changed.url, POLL)) as unknown as Results).totalVotes).toBe(BALLOTS.length - 1);
    const { snapshots } = (await (await get('/api/tokens/opgsim/snapshots', changed)).json()) as {
      snapshots: unknown[];
    };
    expect(snapshots).toHaveLength(FIXTURE.snapshots.length);
    await changed.stop();
    server = await start();
    expect(((await getResults(server.url, POLL)) as unknown as Results).totalVotes).toBe(BALLOTS.length);
  });

  it('loads nothing with DEMO_FIXTURE=none: the demo poll is there, empty, and OPGSIM has no snapshots', async () => {
    const bare = await startServer({ env: { DEMO_FIXTURE: 'none' } });
    started.push(bare);
    expect(bare.output()).not.toContain('demo: loaded');
    expect(((await getResults(bare.url, POLL)) as unknown as Results).totalVotes).toBe(0);
    const { snapshots } = (await (await get('/api/tokens/opgsim/snapshots', bare)).json()) as { snapshots: unknown[] };
    expect(snapshots).toEqual([]);
    await bare.stop();
  });

  it('refuses a fixture that does not fit, and gives up its claim when loading fails', async () => {
    const write = (name: string, ballots: DemoFixture['polls'][number]['ballots']): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ ...FIXTURE, polls: [{ id: POLL, ballots }] }));
      return path;
    };
    const [first] = BALLOTS;
    if (!first) throw new Error('the committed fixture has no ballots');
    const databaseUrl = `file:${join(dir, 'refused.db')}`;
    const unknown = write('unknown-option.json', [{ ...first, optionIds: ['nope'] }]);
    const refused = await startExpectingFailure({ DEMO_FIXTURE: unknown, DATABASE_URL: databaseUrl });
    expect(refused.output).toContain(`poll "${POLL}" has no option "nope"`);
    // The same voter twice: the second ballot is refused by the database, after the snapshots went in.
    const twice = write('twice.json', [first, first]);
    const failed = await startExpectingFailure({ DEMO_FIXTURE: twice, DATABASE_URL: databaseUrl });
    expect(failed.output).toContain('1 ballot(s) were not new');
    const db = await openDatabase({ url: databaseUrl });
    try {
      expect(await db.select().from(demoFixtures)).toEqual([]);
    } finally {
      db.$client.close();
    }
    // The next start loads the committed fixture over what the failed one left.
    const fixed = await start({}, undefined, databaseUrl);
    expect(((await getResults(fixed.url, POLL)) as unknown as Results).totalVotes).toBe(BALLOTS.length);
    await fixed.stop();
  });

  it('refuses DEMO=off with a build that has the demo in its static pages', async () => {
    const { code, output } = await startExpectingFailure({ DEMO: 'off', DATABASE_URL: `file:${join(dir, 'x.db')}` });
    expect(code).toBe(1);
    expect(output).toContain('DEMO=off, but dist/ was built with DEMO=on');
  });
});

describe('DEMO=off', () => {
  let copy: string;
  let off: TestServer;

  beforeAll(async () => {
    await server.stop();
    // A copy of the project built with DEMO=off, started on the database that holds the demo.
    copy = await buildCopy('sentiment-desk-demo-off-', { DEMO: 'off' });
    off = await start({ DEMO: 'off' }, copy);
  }, 180_000);

  afterAll(async () => {
    await off?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('answers 404 for the demo post, poll, token page and snapshots', async () => {
    for (const path of [
      POST,
      `/polls/${POLL}/`,
      `/api/polls/${POLL}`,
      '/tokens/opgsim/',
      '/api/tokens/opgsim/snapshots',
    ]) {
      expect((await get(path, off)).status, path).toBe(404);
    }
  });

  it('leaves the demo out of every list: home, tags, RSS, sitemap, polls', async () => {
    for (const path of ['/', '/tags/', '/rss.xml', '/sitemap-0.xml', '/polls/', '/api/polls']) {
      const body = await (await get(path, off)).text();
      expect(body, path).not.toMatch(/opgsim|simulated demo/i);
    }
    expect((await get('/tags/simulated-demo/', off)).status).toBe(404);
    // The rest of the site is there.
    expect(await (await get('/', off)).text()).toContain('/posts/opg-liquidity-ghost/');
  });

  it('removed the demo rows from the database', async () => {
    const db = await openDatabase({ url: `file:${join(dir, 'app.db')}` });
    try {
      const [snapshots] = await db
        .select({ n: count() })
        .from(tokenSnapshots)
        .where(eq(tokenSnapshots.token, 'OPGSIM'));
      const [ballots] = await db.select({ n: count() }).from(votes).where(eq(votes.pollId, POLL));
      const [markers] = await db.select({ n: count() }).from(demoFixtures);
      expect([snapshots?.n, ballots?.n, markers?.n]).toEqual([0, 0, 0]);
    } finally {
      db.$client.close();
    }
  });
});
