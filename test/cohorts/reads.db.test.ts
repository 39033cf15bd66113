import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSnapshot } from '../../src/lib/chain/repo.server.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import type { DecisiveView, WeightedBallot } from '../../src/lib/cohorts/decisive.ts';
import { CohortReads } from '../../src/lib/cohorts/reads.server.ts';
import { getWeightedBallots } from '../../src/lib/cohorts/repo.server.ts';
import { weightingTokenOf } from '../../src/lib/cohorts/weighting.ts';
import { reweightPolls } from '../../src/lib/cohorts/weighting.server.ts';
import { loadPollDefinitions } from '../../src/lib/polls/definitions.server.ts';
import type { PollRecord } from '../../src/lib/polls/records.ts';
import { castVotes } from '../../src/lib/polls/store/cast.server.ts';
import { getPoll } from '../../src/lib/polls/store/reads.server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * "Wallets that decide it" reads every verified ballot of a poll. Readers
 * arriving together, as a page of readers does on a cold instance, share one
 * such read instead of each starting its own.
 */

const VOTERS = 24;
const address = (i: number): string => `0x${(0xabc000 + i).toString(16).padStart(40, '0')}`;

let dir: string;
let temp: Awaited<ReturnType<typeof tempDatabase>>;
let poll: PollRecord;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-reads-'));
  mkdirSync(join(dir, 'tokens'));
  mkdirSync(join(dir, 'polls'));
  writeFileSync(
    join(dir, 'tokens', 'tst.yaml'),
    'symbol: TST\nname: Test token\nchainId: 31337\ndecimals: 18\nrpcEnv: RPC_URL_31337\ncohorts: { whale: 10, dolphin: 1, fish: 0.1 }\n',
  );
  writeFileSync(
    join(dir, 'polls', 'tst-reads.yaml'),
    'id: tst-reads\nquestion: Reads?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\noptions:\n  - { id: a, label: A }\n  - { id: b, label: B }\n',
  );
  writeFileSync(
    join(dir, 'polls', 'tst-fresh.yaml'),
    'id: tst-fresh\nquestion: Fresh?\ntoken: TST\nopensAt: 2026-01-01T00:00:00Z\noptions:\n  - { id: a, label: A }\n  - { id: b, label: B }\n',
  );
  temp = await tempDatabase();
  const token = loadTokenDefinition('TST', join(dir, 'tokens'));
  if (!token) throw new Error('no TST token');
  const holders = Array.from({ length: VOTERS }, (_, i) => ({
    address: address(i),
    balance: 10n ** 18n * BigInt(i + 1),
  }));
  await saveSnapshot(
    temp.db,
    buildSnapshot({
      token,
      block: 10,
      takenAt: Date.parse('2025-12-01T00:00:00Z'),
      holders,
      source: { kind: 'csv', file: 'tst.csv', sha256: '0'.repeat(64) },
      totalSupply: null,
      simulated: true,
    }),
    Date.now(),
    holders,
  );
  await syncPollDefinitions(temp.db, loadPollDefinitions(join(dir, 'polls')), () => weightingTokenOf(token));
  await reweightPolls(temp.db, Date.now());
  await castVotes(
    temp.db,
    holders.map((h, i) => ({
      pollId: 'tst-reads',
      voterId: `voter-${i}`,
      address: h.address,
      // The heaviest wallets choose b, so b leads the weighted tally and few wallets decide it.
      optionIds: [i >= VOTERS - 4 ? 'b' : 'a'],
      now: Date.parse('2026-02-01T00:00:00Z') + i,
      allowChange: false,
      tokenPoll: true,
    })),
  );
  const found = await getPoll(temp.db, 'tst-reads');
  if (!found) throw new Error('no tst-reads poll');
  poll = found;
});

afterAll(() => {
  temp.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** getWeightedBallots, counted, answering only when `release` is called. */
function gatedLoader(fail = false) {
  const calls: string[] = [];
  let release = (): void => {};
  const opened = new Promise<void>((resolve) => (release = resolve));
  const load = async (pollId: string): Promise<WeightedBallot[]> => {
    calls.push(pollId);
    await opened;
    if (fail) throw new Error('database gone');
    return getWeightedBallots(temp.db, pollId);
  };
  return { calls, release: () => release(), load };
}

describe('CohortReads: wallets that decide it', () => {
  it('reads the ballots once for readers arriving together before its first answer', async () => {
    const gate = gatedLoader();
    const reads = new CohortReads(temp.db, Date.now, gate.load);
    const pending = Array.from({ length: 10 }, () => reads.results(poll, true));
    // Let every reader reach the point where it needs the decisive wallets.
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.release();
    const answers = await Promise.all(pending);
    expect(gate.calls).toEqual(['tst-reads']);
    for (const answer of answers) {
      expect(answer?.decisiveWallets).toEqual(answers[0]?.decisiveWallets);
      expect(answer?.verifiedVotes).toBe(VOTERS);
    }
    expect(answers[0]?.decisiveWallets?.count).not.toBeNull();
    // The next reader is served the kept answer: no further read.
    await reads.results(poll, true);
    expect(gate.calls).toHaveLength(1);
  });

  it('lets the readers waiting on a failed read see the error, and the next reader tries again', async () => {
    const failing = gatedLoader(true);
    let load = failing.load;
    const reads = new CohortReads(temp.db, Date.now, (id) => load(id));
    const pending = Array.from({ length: 3 }, () => reads.results(poll, true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    failing.release();
    const settled = await Promise.allSettled(pending);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(failing.calls).toHaveLength(1);
    const working = gatedLoader();
    load = working.load;
    working.release();
    const answer = await reads.results(poll, true);
    expect(working.calls).toEqual(['tst-reads']);
    expect(answer?.decisiveWallets?.count).not.toBeNull();
  });

  it('answers at once from what it holds, and says when it must ask the database', async () => {
    const gate = gatedLoader();
    const reads = new CohortReads(temp.db, Date.now, gate.load);
    expect(reads.resultsNow(poll, true)).toBeUndefined();
    gate.release();
    const answer = await reads.results(poll, true);
    expect(reads.resultsNow(poll, true)).toBe(answer);
    // A ballot newer than the counts held: the database is asked.
    expect(reads.resultsNow(poll, true, poll.version + 1)).toBeUndefined();
    expect(reads.resultsNow({ ...poll, token: null }, true)).toBeNull();
    expect(gate.calls).toHaveLength(1);
  });
});

describe('CohortReads: one answer, one counts version', () => {
  it('does not serve wallets worked out before the ballots its tallies count as if they were current', async () => {
    const reads = new CohortReads(temp.db);
    const before = await getPoll(temp.db, 'tst-fresh');
    if (!before) throw new Error('no tst-fresh poll');
    // A reader before any ballot: the wallets that decide it are worked out (none) and kept.
    const empty = await reads.results(before, true);
    expect(empty?.verifiedVotes ?? 0).toBe(0);
    // Wallet-verified ballots land, within the decisive wallets' refresh interval.
    await castVotes(
      temp.db,
      Array.from({ length: VOTERS }, (_, i) => ({
        pollId: 'tst-fresh',
        voterId: `fresh-${i}`,
        address: address(i),
        optionIds: [i >= VOTERS - 4 ? 'b' : 'a'],
        now: Date.parse('2026-02-01T00:00:00Z') + i,
        allowChange: false,
        tokenPoll: true,
      })),
    );
    reads.forget('tst-fresh');
    const after = await getPoll(temp.db, 'tst-fresh');
    if (!after) throw new Error('no tst-fresh poll');
    const answer = await reads.results(after, true);
    expect(answer?.verifiedVotes).toBe(VOTERS);
    expect(answer?.tallies?.tokens).not.toBeNull();
    // CohortReads serves DecisiveView; the presented type keeps the narrower DecisiveWallets.
    const decisive = answer?.decisiveWallets as DecisiveView | null | undefined;
    // Either worked out from the same counts as the tallies beside it, or saying it is older and being updated.
    if (decisive?.countsVersion === after.version) expect(decisive.updating).toBe(false);
    else expect(decisive).toMatchObject({ countsVersion: before.version, updating: true });
    expect(reads.resultsNow(after, true)?.decisiveWallets).toEqual(decisive);
  });
});
