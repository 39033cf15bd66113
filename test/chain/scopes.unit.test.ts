import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_KINDS, type LabelKind } from '../../src/lib/chain/schemas.ts';
import { countsIn, SCOPE_DESCRIPTIONS, SCOPE_EXCLUDES, SCOPES, scopeMetrics } from '../../src/lib/chain/scopes.ts';
import { buildSnapshot } from '../../src/lib/chain/snapshot.ts';

const COHORTS = { whale: 0.1, dolphin: 0.01, fish: 0.001 };
const address = (i: number): string => `0x${'ab'.repeat(18)}${i.toString(16).padStart(4, '0')}`;

describe('which holders each scope counts', () => {
  // Every label kind there is, and whether [all, without custodians, circulating] count it.
  const table: [LabelKind | null, boolean, boolean, boolean][] = [
    [null, true, true, true],
    ['exchange', true, false, false],
    ['lp', true, false, false],
    ['bridge', true, false, false],
    ['contract', true, false, false],
    ['burn', true, false, false],
    ['team', true, true, false],
    ['vesting', true, true, false],
    ['treasury', true, true, false],
    ['rewards', true, false, false],
  ];

  it('covers every label kind in the token schema', () => {
    expect(
      table
        .map(([kind]) => kind)
        .filter((k) => k !== null)
        .sort(),
    ).toEqual([...LABEL_KINDS].sort());
  });

  it.each(table)('a holder labelled %s: all %s, without custodians %s, circulating %s', (kind, all, custody, circ) => {
    expect([countsIn('all', kind), countsIn('excludingLabelled', kind), countsIn('circulating', kind)]).toEqual([
      all,
      custody,
      circ,
    ]);
  });

  it('names exactly the kinds it leaves out', () => {
    expect(SCOPE_EXCLUDES.all).toEqual([]);
    expect([...SCOPE_EXCLUDES.excludingLabelled].sort()).toEqual([
      'bridge',
      'burn',
      'contract',
      'exchange',
      'lp',
      'rewards',
    ]);
    expect([...SCOPE_EXCLUDES.circulating].sort()).toEqual([...LABEL_KINDS].sort());
    for (const kind of SCOPE_EXCLUDES.excludingLabelled) expect(SCOPE_DESCRIPTIONS.excludingLabelled).toContain(kind);
    for (const kind of ['team', 'vesting', 'treasury']) expect(SCOPE_DESCRIPTIONS.circulating).toContain(kind);
  });
});

describe('the circulating scope of a snapshot', () => {
  const labels = {
    [address(0)]: { name: 'Exchange', kind: 'exchange' as const },
    [address(1)]: { name: 'Team', kind: 'team' as const },
    // Labels match whatever case the token file writes the address in.
    [`0x${address(2).slice(2).toUpperCase()}`]: { name: 'Vesting', kind: 'vesting' as const },
    [address(3)]: { name: 'Treasury', kind: 'treasury' as const },
  };
  const token = { symbol: 'TST', labels, cohorts: COHORTS };
  const balances = [500n, 200n, 100n, 100n, 60n, 40n];
  const holders = balances.map((balance, i) => ({ address: address(i), balance }));
  const source = { kind: 'csv' as const, file: 'x.csv', sha256: 'ab' };
  const s = buildSnapshot({ token, block: 1, takenAt: 0, holders, source, totalSupply: null, simulated: false });

  it('leaves out custodians and insiders, and nobody else', () => {
    expect(s.metrics.all).toMatchObject({ holderCount: 6, supply: 1000 });
    expect(s.metrics.excludingLabelled).toMatchObject({ holderCount: 5, supply: 500 });
    expect(s.metrics.circulating).toMatchObject({ holderCount: 2, supply: 100, top1Share: 0.6, nakamoto: 1 });
  });

  it('puts holders in cohorts by their share of the circulating supply', () => {
    // 40 of 1000 is 4% of everything; of the 100 circulating it is 40%: a whale either way, but the share changes.
    expect(s.metrics.circulating?.cohorts.whale).toEqual({ holders: 2, share: 1 });
  });

  it('is what scopeMetrics computes from the same holders (the backfill path)', () => {
    expect(scopeMetrics(holders, token, 'circulating')).toEqual(s.metrics.circulating);
  });
});

describe('scopes, for any labelling', () => {
  const kindOrNone = fc.option(fc.constantFrom(...LABEL_KINDS), { nil: null });
  it('each scope is a subset of the one before, and its supply is everyone’s minus what it leaves out', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1e9 }), kindOrNone), { maxLength: 60 }), (rows) => {
        const holders = rows.map(([balance], i) => ({ address: address(i), balance: BigInt(balance) }));
        const labels = Object.fromEntries(
          rows.flatMap(([, kind], i) => (kind === null ? [] : [[address(i), { name: `#${i}`, kind }]])),
        );
        const m = Object.fromEntries(
          SCOPES.map((scope) => [scope, scopeMetrics(holders, { labels, cohorts: COHORTS }, scope)]),
        );
        expect(m.all?.holderCount).toBeGreaterThanOrEqual(m.excludingLabelled?.holderCount ?? 0);
        expect(m.excludingLabelled?.holderCount).toBeGreaterThanOrEqual(m.circulating?.holderCount ?? 0);
        for (const scope of SCOPES) {
          const kept = rows.filter(([, kind]) => countsIn(scope, kind));
          expect(m[scope]?.holderCount).toBe(kept.length);
          expect(m[scope]?.supply).toBe(kept.reduce((sum, [b]) => sum + b, 0));
        }
      }),
    );
  });
});
