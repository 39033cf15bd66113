import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';

const A = '0x1111111111111111111111111111111111111111';
const EXCHANGE = '0x2222222222222222222222222222222222222222';
const C = '0x3333333333333333333333333333333333333333';
const token = {
  symbol: 'TST',
  labels: { '0x2222222222222222222222222222222222222222': { name: 'Big Exchange', kind: 'exchange' as const } },
  cohorts: { whale: 0.1, dolphin: 0.01, fish: 0.001 },
};
const holders = [
  { address: A, balance: 100n },
  { address: EXCHANGE, balance: 700n },
  { address: C, balance: 200n },
];
const source = { kind: 'csv' as const, file: 'x.csv', sha256: 'ab' };

describe('buildSnapshot', () => {
  it('measures everyone and, separately, everyone but labelled custodians', () => {
    const s = buildSnapshot({ token, block: 5, takenAt: 0, holders, source, totalSupply: null, simulated: false });
    expect(s.supply).toBe(1000n);
    expect(s.metrics.all.top1Share).toBeCloseTo(0.7, 12);
    expect(s.metrics.excludingLabelled.holderCount).toBe(2);
    expect(s.metrics.excludingLabelled.top1Share).toBeCloseTo(200 / 300, 12);
    expect(s.topHolders.map((h) => [h.rank, h.address])).toEqual([
      [1, EXCHANGE],
      [2, C],
      [3, A],
    ]);
  });

  it('flags a difference from totalSupply (fee-on-transfer or rebasing tokens), and not an exact match', () => {
    const off = buildSnapshot({ token, block: 5, takenAt: 0, holders, source, totalSupply: 1010n, simulated: false });
    expect(off.supplyDifference).toBe(10n);
    const exact = buildSnapshot({ token, block: 5, takenAt: 0, holders, source, totalSupply: 1000n, simulated: false });
    expect(exact.supplyDifference).toBeNull();
  });
});
