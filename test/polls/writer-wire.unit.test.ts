import { describe, expect, it } from 'vitest';
import type { FreshCounts } from '../../src/lib/polls/store/cast-types.ts';
import {
  decodeBallots,
  decodeFates,
  encodeBallots,
  encodeFates,
  errorFromWire,
  errorToWire,
  type Settled,
} from '../../src/lib/polls/write/writer-wire.ts';

const counts = (totalVotes: number, version: number, votes: [string, number][]): FreshCounts => ({
  totalVotes,
  verifiedVotes: 1,
  version,
  busyNetworkBallots: 6,
  busyNetworks: 1,
  votes: new Map(votes),
});

describe('what crosses to the vote writer thread', () => {
  it('carries ballots as they were cast', () => {
    const ballots = [
      { pollId: 'p', voterId: 'v1', optionIds: ['a'], now: 1, allowChange: false, clientKey: '127.0.0.1' },
      {
        pollId: 'q',
        voterId: 'v2',
        address: '0x00000000000000000000000000000000000000aA',
        optionIds: ['a', 'b'],
        now: 2,
        allowChange: true,
        tokenPoll: true,
      },
    ];
    expect(decodeBallots(encodeBallots(ballots))).toEqual(ballots);
  });

  it('carries every kind of fate back, one counts object per transaction', () => {
    const shared = counts(3, 7, [
      ['a', 2],
      ['b', 1],
    ]);
    const failure = Object.assign(
      new Error('Failed query: insert …', { cause: new Error('FOREIGN KEY constraint failed') }),
      {
        code: 'SQLITE_CONSTRAINT',
      },
    );
    const fates: Settled[] = [
      { ok: true, result: { outcome: 'created', counts: shared } },
      { ok: true, result: { outcome: 'already_voted', counts: null } },
      { ok: true, result: { outcome: 'rate_limited', counts: null, retryAfterSeconds: 42 } },
      { ok: true, result: { outcome: 'replaced', counts: shared } },
      { ok: false, error: failure },
    ];
    const back = decodeFates(encodeFates(fates), ['p', 'p', 'p', 'p', 'p'], new Map());
    expect(back.slice(0, 4)).toEqual(fates.slice(0, 4));
    const [first, , , fourth, fifth] = back;
    expect(first?.ok && fourth?.ok && first.result.counts === fourth.result.counts).toBe(true);
    expect(fifth?.ok).toBe(false);
    const error = fifth && !fifth.ok ? (fifth.error as Error & { code?: string }) : null;
    expect(error?.message).toBe('Failed query: insert …');
    expect(error?.code).toBe('SQLITE_CONSTRAINT');
    expect((error?.cause as Error | undefined)?.message).toBe('FOREIGN KEY constraint failed');
  });

  it('reuses the last counts of a poll only when every figure is the same', () => {
    const latest = new Map<string, FreshCounts>();
    const answer = (c: FreshCounts): string => encodeFates([{ ok: true, result: { outcome: 'created', counts: c } }]);
    const countsOf = (fates: Settled[]): FreshCounts | null => (fates[0]?.ok ? fates[0].result.counts : null);
    const first = countsOf(decodeFates(answer(counts(1, 5, [['a', 1]])), ['p'], latest));
    // The same transaction's answer in a later message.
    expect(countsOf(decodeFates(answer(counts(1, 5, [['a', 1]])), ['p'], latest))).toBe(first);
    // Another poll at the same version is its own.
    expect(countsOf(decodeFates(answer(counts(1, 5, [['a', 1]])), ['q'], latest))).not.toBe(first);
    const moved = countsOf(decodeFates(answer(counts(1, 5, [['a', 2]])), ['p'], latest));
    expect(moved).not.toBe(first);
    expect(moved?.votes.get('a')).toBe(2);
    // The busy-network figures count as figures too: a ballot from a busy network changes only them and the total.
    const busier = { ...counts(1, 5, [['a', 2]]), busyNetworkBallots: 7 };
    const read = countsOf(decodeFates(answer(busier), ['p'], latest));
    expect(read).not.toBe(moved);
    expect(read).toEqual(busier);
  });

  it('keeps what an error says when it is not an Error', () => {
    expect(errorFromWire(errorToWire('no database')).message).toBe('no database');
    expect(errorFromWire(errorToWire({ message: 'busy', code: 'SQLITE_BUSY' }))).toMatchObject({
      message: 'busy',
      code: 'SQLITE_BUSY',
    });
  });
});
