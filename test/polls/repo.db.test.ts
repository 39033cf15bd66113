import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { castVote } from '../../src/lib/polls/store/cast.server.ts';
import { getBallot, getPoll, getPollHistory } from '../../src/lib/polls/store/reads.server.ts';
import { PollSyncError, syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { pollDefinitionSchema, type PollDefinitionInput } from '../../src/lib/polls/schemas.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';
import {
  VoteBatcher,
  voteRateLimiter,
  writeOnThisThread,
  type BallotWriter,
} from '../../src/lib/polls/write/batcher.server.ts';
import { VoteWriterThread } from '../../src/lib/polls/write/writer-thread.server.ts';

/** The thread's entry from source; the server tests run the bundled one (dist/vote-writer.mjs). */
const VOTE_WRITER = new URL('../../scripts/vote-writer.ts', import.meta.url);

let db: Database;
let url: string;
let dispose: () => void;
let threads: VoteWriterThread[] = [];

beforeEach(async () => {
  ({ db, url, dispose } = await tempDatabase());
});
afterEach(async () => {
  await Promise.all(threads.map((t) => t.close()));
  threads = [];
  dispose();
});

const definition = (overrides: Partial<PollDefinitionInput> = {}) =>
  pollDefinitionSchema.parse({
    id: 'p',
    question: 'Which?',
    opensAt: '2026-01-01',
    options: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
    ],
    ...overrides,
  });

const NOW = Date.parse('2026-11-24T10:30:00Z');

describe('poll repository on a real database', () => {
  it('syncs definitions, including imported votes', async () => {
    await syncPollDefinitions(db, [
      definition({
        options: [
          { id: 'a', label: 'A', importedVotes: 2, labels: { zh: '甲' } },
          { id: 'b', label: 'B', importedVotes: 1 },
        ],
        source: { name: 'elsewhere' },
      }),
    ]);
    const poll = await getPoll(db, 'p');
    expect(poll?.totalVotes).toBe(3);
    expect(poll?.options.map((o) => [o.optionId, o.votes, o.labels])).toEqual([
      ['a', 2, { zh: '甲' }],
      ['b', 1, {}],
    ]);
  });

  it('counts each voter once however many ballots race in', async () => {
    await syncPollDefinitions(db, [definition()]);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        castVote(db, { pollId: 'p', voterId: 'v1', optionIds: ['a'], now: NOW, allowChange: false }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'already_voted')).toHaveLength(49);
    const poll = await getPoll(db, 'p');
    expect(poll?.totalVotes).toBe(1);
    expect(poll?.options[0]?.votes).toBe(1);
    const rows = await db.$client.execute("SELECT count(*) AS n FROM votes WHERE poll_id = 'p'");
    expect(Number(rows.rows[0]?.n)).toBe(1);
  });

  it('replaces a ballot when the poll allows changes, keeping counts and history consistent', async () => {
    await syncPollDefinitions(db, [definition({ allowChange: true })]);
    const cast = (optionIds: string[], now: number) =>
      castVote(db, { pollId: 'p', voterId: 'v', optionIds, now, allowChange: true });
    expect((await cast(['a'], NOW)).outcome).toBe('created');
    const replaced = await cast(['b'], NOW + 3_600_000);
    expect(replaced.outcome).toBe('replaced');
    expect(replaced.counts?.totalVotes).toBe(1);
    expect([...(replaced.counts?.votes ?? [])]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    const poll = await getPoll(db, 'p');
    expect(poll?.totalVotes).toBe(1);
    expect(poll?.options.map((o) => o.votes)).toEqual([0, 1]);
    expect(await getBallot(db, 'p', 'v')).toEqual(['b']);
    const history = await getPollHistory(db, poll!, 'hour');
    expect(history.map((p) => p.votes)).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('rejects options the poll does not have at the database too', async () => {
    await syncPollDefinitions(db, [definition()]);
    await expect(
      castVote(db, { pollId: 'p', voterId: 'v', optionIds: ['zzz'], now: NOW, allowChange: false }),
    ).rejects.toThrow();
    expect((await getPoll(db, 'p'))?.totalVotes).toBe(0);
  });

  it('accepts label edits and new options, refuses to orphan votes, and changes nothing when refusing', async () => {
    await syncPollDefinitions(db, [definition()]);
    await castVote(db, { pollId: 'p', voterId: 'v', optionIds: ['b'], now: NOW, allowChange: false });
    await syncPollDefinitions(db, [
      definition({
        options: [
          { id: 'a', label: 'A, reworded' },
          { id: 'b', label: 'B' },
          { id: 'c', label: 'C' },
        ],
      }),
    ]);
    expect((await getPoll(db, 'p'))?.options.map((o) => o.label)).toEqual(['A, reworded', 'B', 'C']);

    const renamed = definition({
      options: [
        { id: 'a', label: 'A' },
        { id: 'b-renamed', label: 'B' },
      ],
    });
    await expect(syncPollDefinitions(db, [renamed])).rejects.toThrow(PollSyncError);
    await expect(syncPollDefinitions(db, [renamed])).rejects.toThrow(/poll "p": option "b" has 1 vote/);
    expect((await getPoll(db, 'p'))?.options.map((o) => o.optionId)).toEqual(['a', 'b', 'c']);
  });
});

// The same batches, committed on this thread's connection and on the vote writer thread's own.
const WRITERS = {
  'on this thread': (limit?: number): BallotWriter =>
    new VoteBatcher(writeOnThisThread(db, limit === undefined ? undefined : voteRateLimiter(db, limit))),
  'on the vote writer thread': (limit?: number): BallotWriter => {
    const thread = new VoteWriterThread({
      script: VOTE_WRITER,
      databaseUrl: url,
      voteRateLimit: limit ?? 0,
      retireMs: 60_000,
    });
    threads.push(thread);
    return thread;
  },
};

describe.each(Object.entries(WRITERS))('group commit %s', (_, writer) => {
  it('writes a burst of ballots as one batch, with repeats and changes inside the batch resolved in order', async () => {
    await syncPollDefinitions(db, [definition({ id: 'fixed' }), definition({ id: 'changeable', allowChange: true })]);
    const batcher = writer();
    const cast = (pollId: string, voterId: string, optionIds: string[], allowChange = false) =>
      batcher.cast({ pollId, voterId, optionIds, now: NOW, allowChange });
    const results = await Promise.all([
      cast('fixed', 'v1', ['a']),
      cast('fixed', 'v1', ['b']),
      cast('fixed', 'v2', ['b']),
      cast('changeable', 'v1', ['a'], true),
      cast('changeable', 'v1', ['b'], true),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['created', 'already_voted', 'created', 'created', 'replaced']);
    expect((await getPoll(db, 'fixed'))?.options.map((o) => o.votes)).toEqual([1, 1]);
    expect((await getPoll(db, 'changeable'))?.options.map((o) => o.votes)).toEqual([0, 1]);
    expect(await getBallot(db, 'changeable', 'v1')).toEqual(['b']);
    expect(results[4]?.counts?.totalVotes).toBe(1);
  });

  it('lets a bad ballot fail alone when its batch cannot commit', async () => {
    await syncPollDefinitions(db, [definition()]);
    const batcher = writer();
    const [good, bad] = await Promise.allSettled([
      batcher.cast({ pollId: 'p', voterId: 'good', optionIds: ['a'], now: NOW, allowChange: false }),
      batcher.cast({ pollId: 'p', voterId: 'bad', optionIds: ['no-such-option'], now: NOW, allowChange: false }),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect((await getPoll(db, 'p'))?.totalVotes).toBe(1);
  });

  it('counts the batch against the rate limit in its own transaction, casting only what the limit lets through', async () => {
    await syncPollDefinitions(db, [definition()]);
    const batcher = writer(3);
    const cast = (voterId: string, clientKey: string) =>
      batcher.cast({ pollId: 'p', voterId, optionIds: ['a'], now: NOW, allowChange: false, clientKey });
    const results = await Promise.all([
      cast('v1', 'ip'),
      cast('v1', 'ip'), // a repeat still uses up the allowance, as before
      cast('v2', 'ip'),
      cast('v3', 'ip'),
      cast('v4', 'other-ip'),
      cast('v5', 'ip'),
    ]);
    expect(results.map((r) => r.outcome)).toEqual([
      'created',
      'already_voted',
      'created',
      'rate_limited',
      'created',
      'rate_limited',
    ]);
    expect(results[3]).toEqual({ outcome: 'rate_limited', counts: null, retryAfterSeconds: 60 });
    expect((await getPoll(db, 'p'))?.totalVotes).toBe(3);
    expect(await getBallot(db, 'p', 'v3')).toBeNull();
    const counted = await db.$client.execute('SELECT bucket, count FROM rate_limits ORDER BY bucket');
    expect(counted.rows.map((r) => [r.bucket, Number(r.count)])).toEqual([
      ['vote:ip', 5],
      ['vote:other-ip', 1],
    ]);
  });

  it('rolls the rate-limit counts back with a batch that cannot commit, so the retry counts each ballot once', async () => {
    await syncPollDefinitions(db, [definition()]);
    const batcher = writer(10);
    const cast = (voterId: string, optionIds: string[]) =>
      batcher.cast({ pollId: 'p', voterId, optionIds, now: NOW, allowChange: false, clientKey: 'ip' });
    const settled = await Promise.allSettled([
      cast('good', ['a']),
      cast('bad', ['no-such-option']),
      cast('also', ['b']),
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const counted = await db.$client.execute('SELECT count FROM rate_limits');
    expect(counted.rows.map((r) => Number(r.count))).toEqual([2]);
  });
});

describe('the vote writer thread', () => {
  const thread = (options: { idleMs?: number; script?: string | URL } = {}): VoteWriterThread => {
    // From source, the thread compiles its modules first: on a loaded machine that alone can pass 5 s.
    const t = new VoteWriterThread({
      script: VOTE_WRITER,
      databaseUrl: url,
      voteRateLimit: 0,
      retireMs: 60_000,
      ...options,
    });
    threads.push(t);
    return t;
  };
  const ballot = (voterId: string, optionIds = ['a']) => ({
    pollId: 'p',
    voterId,
    optionIds,
    now: NOW,
    allowChange: false,
  });

  it('starts with the first ballot, stops once idle, and starts again for the next', async () => {
    await syncPollDefinitions(db, [definition()]);
    const writer = thread({ idleMs: 100 });
    expect(writer.started).toBe(false);
    expect(await writer.cast(ballot('v1'))).toMatchObject({ outcome: 'created' });
    expect(writer.started).toBe(true);
    await expect.poll(() => writer.started, { timeout: 5_000 }).toBe(false);
    expect(await writer.cast(ballot('v2', ['b']))).toMatchObject({ outcome: 'created', counts: { totalVotes: 2 } });
    // Written through the thread's own connection, read through this one's.
    expect((await getPoll(db, 'p'))?.options.map((o) => o.votes)).toEqual([1, 1]);
  });

  it('answers the ballots of one batch with one counts object, as submitVote shares answers by it', async () => {
    await syncPollDefinitions(db, [definition()]);
    const writer = thread();
    const results = await Promise.all([ballot('v1'), ballot('v2'), ballot('v1', ['b'])].map((b) => writer.cast(b)));
    expect(results.map((r) => r?.outcome)).toEqual(['created', 'created', 'already_voted']);
    expect(results[0]?.counts).toBe(results[1]?.counts);
    expect(results[0]?.counts?.votes).toEqual(
      new Map([
        ['a', 2],
        ['b', 0],
      ]),
    );
  });

  it('keeps a failed ballot’s error code across the thread, as a 503 or a crash report needs it', async () => {
    await syncPollDefinitions(db, [definition()]);
    const codes = (error: unknown): string[] => {
      const found: string[] = [];
      for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
        if (typeof e.code === 'string') found.push(e.code);
      }
      return found;
    };
    const failure = (writer: BallotWriter): Promise<unknown> =>
      writer.cast(ballot('bad', ['no-such-option'])).then(
        () => expect.fail('the ballot was recorded'),
        (error: unknown) => error,
      );
    const hereCodes = codes(await failure(new VoteBatcher(writeOnThisThread(db))));
    expect(hereCodes.length).toBeGreaterThan(0);
    expect(codes(await failure(thread()))).toEqual(hereCodes);
  });

  it('fails the batch of a thread that dies, and the next batch gets a new thread', async () => {
    await syncPollDefinitions(db, [definition()]);
    const dir = mkdtempSync(join(tmpdir(), 'vote-writer-'));
    const dying = join(dir, 'dying.mjs');
    writeFileSync(
      dying,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n",
    );
    try {
      const writer = thread({ script: dying });
      await expect(writer.cast(ballot('v1'))).rejects.toThrow(/exit code 3/);
      expect(writer.started).toBe(false);
      await expect(writer.cast(ballot('v1'))).rejects.toThrow(/exit code 3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await getPoll(db, 'p'))?.totalVotes).toBe(0);
  });

  it('finishes what it was given before close() resolves', async () => {
    await syncPollDefinitions(db, [definition()]);
    const writer = thread();
    const written = Promise.all(Array.from({ length: 50 }, (_, i) => writer.cast(ballot(`v${i}`))));
    const closed = writer.close();
    expect((await written).every((r) => r.outcome === 'created')).toBe(true);
    await closed;
    expect(writer.started).toBe(false);
    expect((await getPoll(db, 'p'))?.totalVotes).toBe(50);
  });
});
