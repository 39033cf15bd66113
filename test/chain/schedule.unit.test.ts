import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n/i18n.ts';
import {
  backoffMs,
  describeSnapshotFailure,
  freshnessLine,
  whyUnscheduled,
  type ScheduleState,
} from '../../src/lib/chain/schedule.ts';
import { roughDuration } from '../../src/lib/i18n/duration.ts';
import { parseInterval } from '../../src/lib/platform/runtime/config.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('SNAPSHOT_EVERY', () => {
  it.each([
    ['6h', 6 * HOUR],
    ['30m', 30 * MIN],
    ['90s', 90_000],
    ['1d', 24 * HOUR],
    ['off', null],
  ])('%s', (text, ms) => expect(parseInterval(text)).toBe(ms));

  it.each([['6'], ['6 h'], ['0h'], ['-1h'], ['1w'], ['']])('refuses %j', (text) => {
    expect(parseInterval(text)).toEqual({ problem: expect.stringContaining('duration') });
  });
});

describe('the backoff after failures', () => {
  it('doubles from a minute, capped by the interval and by an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 6 * HOUR))).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
    expect(backoffMs(10, 6 * HOUR)).toBe(HOUR);
    expect(backoffMs(3, 2 * MIN)).toBe(2 * MIN);
    expect(backoffMs(1, 2_000)).toBe(2_000);
    expect(backoffMs(500, 6 * HOUR)).toBe(HOUR);
  });
});

describe('a failure in one line', () => {
  it('names the HTTP status, found anywhere in the cause chain, and the block', () => {
    const wrapped = new Error('HTTP request failed.', { cause: Object.assign(new Error('x'), { status: 429 }) });
    expect(describeSnapshotFailure(wrapped, 1234)).toBe('RPC answered 429 at block 1234');
    expect(describeSnapshotFailure(Object.assign(new Error('x'), { status: 503 }), null)).toBe('RPC answered 503');
  });

  it('says a timeout or an unreachable RPC without its URL', () => {
    expect(describeSnapshotFailure(new Error('The request took too long to respond. timed out'), 7)).toBe(
      'RPC timed out at block 7',
    );
    const refused = new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    expect(describeSnapshotFailure(refused, null)).toBe('RPC unreachable');
  });

  it('keeps the first line of anything else', () => {
    expect(describeSnapshotFailure(new Error('execution reverted\nmore detail'), 3)).toBe(
      'execution reverted at block 3',
    );
  });
});

const en = translator('en');
const zh = translator('zh');

describe('roughDuration', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [10 * MIN, '10 min'],
    [3 * HOUR, '3 h'],
    [35 * HOUR, '35 h'],
    [3 * 24 * HOUR, '3 d'],
    [-5_000, '0 s'],
  ])('%i ms', (ms, text) => expect(roughDuration(ms, en, 'short')).toBe(text));
});

describe('the freshness line', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const latest = { block: 123456, takenAt: now - 3 * HOUR };
  const ok: ScheduleState = {
    lastSuccessAt: now - 3 * HOUR,
    lastBlock: 123456,
    lastError: null,
    lastErrorAt: null,
    failures: 0,
    nextAttemptAt: now + 3 * HOUR,
  };

  it('gives how often, the last snapshot and the next, as UTC times that stay true in a cache', () => {
    expect(freshnessLine(latest, ok, 6 * HOUR, now, en)).toBe(
      'Updated every 6 h; last snapshot 1 Dec 2026, 09:00 UTC (block 123,456); the next one is due 1 Dec 2026, 15:00 UTC',
    );
    expect(freshnessLine(latest, { ...ok, nextAttemptAt: now - 1 }, 6 * HOUR, now, en)).toBe(
      'Updated every 6 h; last snapshot 1 Dec 2026, 09:00 UTC (block 123,456); the next one is due now',
    );
    expect(freshnessLine(null, null, 6 * HOUR, now, en)).toBe(
      'Updated every 6 h; no snapshot yet; the next one is due now',
    );
    // The same line an hour later: nothing in it counts from the clock.
    expect(freshnessLine(latest, ok, 6 * HOUR, now + HOUR, en)).toBe(freshnessLine(latest, ok, 6 * HOUR, now, en));
  });

  it('after a failure, says so and when it is tried again, but not what failed (that is /api/health’s)', () => {
    const failed = { ...ok, lastError: 'RPC answered 429 at block 123457', failures: 2, nextAttemptAt: now + 10 * MIN };
    expect(freshnessLine(latest, failed, 6 * HOUR, now, en)).toBe(
      'Updated every 6 h; last snapshot 1 Dec 2026, 09:00 UTC (block 123,456); the last attempt failed; the next is due 1 Dec 2026, 12:10 UTC',
    );
    // Due, and being tried again.
    expect(freshnessLine(null, { ...failed, nextAttemptAt: now }, 6 * HOUR, now, en)).toBe(
      'Updated every 6 h; no snapshot yet; the last attempt failed and is being retried now',
    );
  });

  it('says the same in Chinese', () => {
    const failed = { ...ok, lastError: 'RPC answered 429 at block 123457', failures: 2, nextAttemptAt: now + 10 * MIN };
    expect(freshnessLine(latest, ok, 6 * HOUR, now, zh)).toBe(
      '每 6 小时更新一次；最新快照拍摄于 2026年12月1日 09:00 UTC（区块 123,456）；下一次预计在 2026年12月1日 15:00 UTC',
    );
    expect(freshnessLine(latest, failed, 6 * HOUR, now, zh)).toBe(
      '每 6 小时更新一次；最新快照拍摄于 2026年12月1日 09:00 UTC（区块 123,456）；上一次更新失败，将于 2026年12月1日 12:10 UTC重试',
    );
    expect(freshnessLine(null, null, null, now, zh)).toBe('手动更新；还没有快照');
  });

  it('says "updated by hand" when nothing is scheduled, in reader words whatever the reason', () => {
    expect(freshnessLine(latest, null, null, now, en)).toBe(
      'Updated by hand; last snapshot 1 Dec 2026, 09:00 UTC (block 123,456)',
    );
    expect(freshnessLine(latest, null, null, now, en)).not.toMatch(/RPC|SNAPSHOT_EVERY|\.yaml/);
  });
});

describe('why a token is not scheduled, for /api/health and the log', () => {
  const token = { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', chainId: 31337 };
  const rpcUrls = { 31337: 'http://127.0.0.1:8545' };
  it.each([
    ['scheduled', token, { rpcUrls, snapshotEvery: 6 * HOUR }, null],
    ['SNAPSHOT_EVERY=off', token, { rpcUrls, snapshotEvery: null }, 'SNAPSHOT_EVERY is off'],
    ['no RPC for its chain', token, { rpcUrls: {}, snapshotEvery: 6 * HOUR }, 'RPC_URL_31337 is not set'],
    [
      'no address',
      { chainId: 8453, address: undefined },
      { rpcUrls, snapshotEvery: 6 * HOUR },
      'the token file has no contract address',
    ],
  ] as const)('%s', (_, t, config, why) => expect(whyUnscheduled(t, config)).toBe(why));
});
