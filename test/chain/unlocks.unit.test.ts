import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import {
  nextUnlock,
  totalUnlockedBy,
  unlockCurve,
  unlockedBy,
  unlockEvents,
  unlockRows,
  type Unlock,
} from '../../src/lib/chain/unlocks.ts';

const at = (d: string): number => Date.parse(`${d}T00:00:00Z`);
const date = (d: string): Date => new Date(at(d));
const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const en = translator('en');
const zh = translator('zh');

/** Parsed through the token schema, as a token file's `unlocks` are. */
function schedule(unlocks: unknown[]): Unlock[] {
  return tokenDefinitionSchema.parse({ symbol: 'TST', name: 'Test', chainId: 1, rpcEnv: 'RPC_URL_1', unlocks }).unlocks;
}

const cliff = { date: '2026-09-01', amount: '1000', recipient: 'launch' };
// 365 days from 1 Jan 2027 at 1 a day, nothing before the 1 April cliff (90 days in).
const linear = {
  kind: 'linear',
  start: '2027-01-01',
  end: '2028-01-01',
  cliff: '2027-04-01',
  amount: '365',
  recipient: 'team',
};

describe('unlock schedules in the token file', () => {
  it('reads a cliff with or without its kind, and a linear schedule with or without a cliff', () => {
    const [a, b, c, d] = schedule([cliff, { ...cliff, kind: 'cliff' }, linear, { ...linear, cliff: undefined }]);
    expect(a).toEqual({ kind: 'cliff', date: date('2026-09-01'), amount: '1000', recipient: 'launch' });
    expect(b?.kind).toBe('cliff');
    expect(c).toMatchObject({ kind: 'linear', start: date('2027-01-01'), cliff: date('2027-04-01') });
    expect(d).not.toHaveProperty('cliff', expect.anything());
  });

  it.each([
    ['an end before the start', { ...linear, end: '2026-12-01' }],
    ['a cliff after the end', { ...linear, cliff: '2028-02-01' }],
    ['a cliff before the start', { ...linear, cliff: '2026-12-01' }],
    ['a linear schedule without its kind', { ...linear, kind: undefined }],
    ['an amount that is not a number', { ...cliff, amount: 'lots' }],
    ['an unknown field', { ...cliff, every: 'month' }],
  ])('refuses %s', (_, entry) => {
    expect(() => schedule([entry])).toThrow();
  });
});

describe('what has unlocked', () => {
  const [c, l] = schedule([cliff, linear]) as [Unlock, Unlock];

  it('unlocks a cliff on its date, all at once', () => {
    expect(unlockedBy(c, at('2026-09-01') - 1)).toBe(0);
    expect(unlockedBy(c, at('2026-09-01'))).toBe(1000);
  });

  it('unlocks nothing of a linear schedule before its cliff, then all accrued since the start, then evenly', () => {
    expect(unlockedBy(l, at('2027-03-31'))).toBe(0);
    expect(unlockedBy(l, at('2027-04-01'))).toBe(90);
    expect(unlockedBy(l, at('2027-07-01'))).toBe(181);
    expect(unlockedBy(l, at('2028-01-01'))).toBe(365);
    expect(unlockedBy(l, at('2030-01-01'))).toBe(365);
    const [noCliff] = schedule([{ ...linear, cliff: undefined }]) as [Unlock];
    expect(unlockedBy(noCliff, at('2027-01-11'))).toBe(10);
  });

  it('draws the total as a line that steps at each cliff and rises while vesting', () => {
    expect(unlockCurve([c, l]).map((p) => [day(p.x), p.y])).toEqual([
      ['2026-09-01', 0],
      ['2026-09-01', 1000],
      ['2027-01-01', 1000],
      ['2027-04-01', 1000],
      ['2027-04-01', 1090],
      ['2028-01-01', 1365],
    ]);
    expect(totalUnlockedBy([c, l], at('2027-07-01'))).toBe(1181);
  });

  it('lists the events a chart marks, in time order', () => {
    const [noCliff] = schedule([{ ...linear, cliff: undefined, recipient: 'advisers' }]) as [Unlock];
    expect(unlockEvents([l, c, noCliff]).map((e) => [day(e.at), e.kind, e.amount])).toEqual([
      ['2026-09-01', 'cliff', 1000],
      ['2027-01-01', 'linear-start', 0],
      ['2027-04-01', 'linear-cliff', 90],
    ]);
  });

  it('names the next unlock, and a schedule vesting now', () => {
    expect(nextUnlock([c, l], at('2026-08-01'), day, en)).toBe('Next unlock: 1,000 tokens on 2026-09-01 (launch).');
    expect(nextUnlock([c, l], at('2027-02-01'), day, en)).toBe('Next unlock: 90 tokens on 2027-04-01 (team).');
    expect(nextUnlock([c, l], at('2027-05-01'), day, en)).toBe(
      'Vesting now (team): about 1 tokens a day until 2028-01-01.',
    );
    expect(nextUnlock([c, l], at('2029-01-01'), day, en)).toBeNull();
  });

  it('says the same in Chinese, with the same amounts and dates', () => {
    expect(nextUnlock([c, l], at('2026-08-01'), day, zh)).toBe('下一次解锁：2026-09-01解锁 1,000 枚代币（launch）。');
    expect(nextUnlock([c, l], at('2027-05-01'), day, zh)).toBe('正在归属（team）：每天约 1 枚代币，直到 2028-01-01。');
    expect(unlockRows([l, c], at('2027-07-01'), day, zh).map((r) => r.when)).toEqual([
      '2026-09-01',
      '2027-01-01 – 2028-01-01（悬崖期 2027-04-01）',
    ]);
  });

  it('gives each entry a row with what it has unlocked by now', () => {
    expect(unlockRows([l, c], at('2027-07-01'), day, en)).toEqual([
      { kind: 'cliff', when: '2026-09-01', recipient: 'launch', amount: 1000, unlockedNow: 1000 },
      {
        kind: 'linear',
        when: '2027-01-01 – 2028-01-01 (cliff 2027-04-01)',
        recipient: 'team',
        amount: 365,
        unlockedNow: 181,
      },
    ]);
  });
});
