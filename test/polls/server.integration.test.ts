import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '3' } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

/** Posts the no-JavaScript form the way a browser would. */
function postForm(path: string, fields: [string, string][], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('rate limit', () => {
  it('answers 429 with Retry-After past VOTE_RATE_LIMIT votes a minute from one address, writing nothing', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await vote(server.url, 'open-change', ['a'])).status);
    expect(statuses).toEqual([201, 201, 201]);
    const before = await getResults(server.url, 'open-change');
    const limited = await vote(server.url, 'open-change', ['a']);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await getResults(server.url, 'open-change')).toEqual(before);
  });
});

describe('the no-JavaScript form', () => {
  it('votes through the action, redirects back to the page, and the page shows the results and the choice', async () => {
    // A fresh server: the rate-limit test above used this address's allowance.
    const fresh = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS } });
    try {
      const res = await fetch(`${fresh.url}/polls/open-single/?_action=polls.vote`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: fresh.url },
        body: new URLSearchParams([
          ['pollId', 'open-single'],
          ['optionIds', 'c'],
        ]).toString(),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/polls\/open-single\/\?voted=1#poll-open-single$/);
      const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
      expect(cookie).toMatch(/^voter=/);
      const page = await (await fetch(`${fresh.url}/polls/open-single/?voted=1`, { headers: { cookie } })).text();
      expect(page).toContain('Thanks, your vote is counted.');
      expect(page).toMatch(/data-option="c" data-mine="true"/);
      expect(page).toMatch(/Your vote: <span data-my-vote-text>Gamma<\/span>/);
      expect(page).toContain('<strong data-percent>100%</strong>');

      const error = await fetch(`${fresh.url}/polls/closed/?_action=polls.vote`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: fresh.url },
        body: 'pollId=closed&optionIds=a',
      });
      expect(error.status).toBe(409);
      expect(await error.text()).toContain('Voting in this poll has closed.');
    } finally {
      await fresh.stop();
      fresh.cleanup();
    }
  });

  it('refuses a cross-origin form post (the middleware origin check) and writes nothing', async () => {
    const before = await getResults(server.url, 'open-single');
    const res = await postForm(
      '/polls/open-single/?_action=polls.vote',
      [
        ['pollId', 'open-single'],
        ['optionIds', 'a'],
      ],
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'cross_site' });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await getResults(server.url, 'open-single')).toEqual(before);
  });
});

describe('live results', () => {
  it('pushes a tally event to subscribers after a vote, without a reload', async () => {
    const stream = await openSse(`${server.url}/api/polls/open-multi/events`);
    try {
      const initial = (await stream.next('tally')) as { totalVotes: number };
      expect(stream.raw()).toMatch(/^retry: \d+/);
      const fresh = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS }, databaseUrl: server.databaseUrl });
      try {
        // Voting through a second instance on the same database: the change is still noticed.
        expect((await vote(fresh.url, 'open-multi', ['b', 'c'])).status).toBe(201);
        // The second instance's start-up bumps the poll's version too; wait for the tally with the vote.
        const update = (await stream.next(
          'tally',
          2500,
          (d) => (d as { totalVotes: number }).totalVotes > initial.totalVotes,
        )) as {
          totalVotes: number;
          myVote: unknown;
        };
        expect(update.totalVotes).toBe(initial.totalVotes + 1);
        expect(update.myVote).toBeNull();
      } finally {
        await fresh.stop();
      }
    } finally {
      stream.close();
    }
  });
});

describe('durability and definitions', () => {
  it('keeps every acknowledged vote through SIGKILL and restart', async () => {
    const crashy = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });
    const acknowledged = (
      await Promise.all(Array.from({ length: 40 }, () => vote(crashy.url, 'open-change', ['b'])))
    ).filter((r) => r.status === 201).length;
    expect(acknowledged).toBe(40);
    await crashy.kill();
    const restarted = await startServer({ env: { POLLS_DIR: FIXTURE_POLLS }, databaseUrl: crashy.databaseUrl });
    try {
      const poll = (await getResults(restarted.url, 'open-change')) as {
        totalVotes: number;
        options: { votes: number }[];
      };
      expect(poll.totalVotes).toBe(40);
      expect(poll.options.map((o) => o.votes)).toEqual([0, 40, 0]);
    } finally {
      await restarted.stop();
      crashy.cleanup();
    }
  });

  it('refuses to start when an edited definition would orphan votes, naming the poll and option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polls-'));
    cpSync(FIXTURE_POLLS, dir, { recursive: true });
    const first = await startServer({ env: { POLLS_DIR: dir } });
    expect((await vote(first.url, 'open-single', ['b'])).status).toBe(201);
    await first.stop();
    try {
      const file = join(dir, 'open-single.yaml');
      const original = parse(readFileSync(file, 'utf8')) as { options: { id: string; label: string }[] };
      const edit = (options: { id: string; label: string }[]): void =>
        writeFileSync(file, stringify({ ...original, options }));

      edit(original.options.map((o) => (o.id === 'b' ? { ...o, id: 'b-renamed' } : o)));
      const refused = await startExpectingFailure({ POLLS_DIR: dir, DATABASE_URL: first.databaseUrl });
      expect(refused.code).toBe(1);
      expect(refused.output).toContain('poll "open-single": option "b" has 1 vote');
      expect(refused.output).not.toContain('listening');

      // Changing a label and adding an option is fine.
      edit([
        ...original.options.map((o) => (o.id === 'b' ? { ...o, label: 'Beta (reworded)' } : o)),
        { id: 'd', label: 'Delta' },
      ]);
      const fixed = await startServer({ env: { POLLS_DIR: dir }, databaseUrl: first.databaseUrl });
      const poll = (await getResults(fixed.url, 'open-single')) as { options: { label: string; votes: number }[] };
      expect(poll.options.map((o) => [o.label, o.votes])).toContainEqual(['Beta (reworded)', 1]);
      await fixed.stop();
    } finally {
      first.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
