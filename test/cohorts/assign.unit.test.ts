import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_KINDS } from '../../src/lib/chain/schemas.ts';
import {
  ballotCohort,
  ballotWeight,
  COHORT_IDS,
  cohortFromUnits,
  cohortThresholdUnits,
  decimalRatio,
  holderCohort,
  sqrtWeight,
  VERIFIED_COHORTS,
  type CohortId,
  type LabelKind,
} from '../../src/lib/cohorts/cohorts.ts';

const DEFAULT = { whale: 0.1, dolphin: 0.01, fish: 0.001 };
const TOKEN = 10n ** 18n;

describe('COHORT_IDS', () => {
  it('lists the verified cohorts first and cookie ballots last', () => {
    expect(VERIFIED_COHORTS).toEqual(['whale', 'dolphin', 'fish', 'shrimp', 'insiders', 'none']);
    expect(COHORT_IDS.at(-1)).toBe('unverified');
  });
});

describe('decimalRatio: the rational a threshold spells', () => {
  it.each([
    [0.1, 1n, 10n],
    [0.01, 1n, 100n],
    [0.001, 1n, 1000n],
    [0.0025, 25n, 10_000n],
    [0.07, 7n, 100n],
    [1e-7, 1n, 10_000_000n],
    [2.5e-7, 25n, 100_000_000n],
    [1.5, 15n, 10n],
    [10, 10n, 1n],
    [1e21, 10n ** 21n, 1n],
    [0, 0n, 1n],
  ])('%s = %s/%s', (n, numerator, denominator) => {
    expect(decimalRatio(n)).toEqual({ numerator, denominator });
  });

  it.each([[Number.NaN], [Infinity], [-0.1]])('refuses %s', (n) => {
    expect(() => decimalRatio(n)).toThrow(RangeError);
  });

  it('reads back as the same number, exponent form or not', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-15, max: 100, noNaN: true }), (n) => {
        const { numerator, denominator } = decimalRatio(n);
        expect(Number(`${numerator}e-${String(denominator).length - 1}`)).toBe(n);
      }),
    );
  });
});

describe('cohortThresholdUnits', () => {
  it.each([
    ['round supply', 1_000_000n, DEFAULT, { whale: 1000n, dolphin: 100n, fish: 10n }],
    // 0.1% of 1,000,001 is 1000.001: a whole base unit more is needed.
    ['supply not a multiple', 1_000_001n, DEFAULT, { whale: 1001n, dolphin: 101n, fish: 11n }],
    [
      'exponent-form thresholds',
      10n ** 12n,
      { whale: 0.0025, dolphin: 2.5e-7, fish: 1e-7 },
      { whale: 25_000_000n, dolphin: 2500n, fish: 1000n },
    ],
    ['empty snapshot', 0n, DEFAULT, { whale: 0n, dolphin: 0n, fish: 0n }],
  ])('%s', (_name, supply, thresholds, units) => {
    expect(cohortThresholdUnits(supply, thresholds)).toEqual(units);
  });
});

describe('holderCohort: exactly at a threshold and one base unit either side', () => {
  const supply = 10n ** 9n * TOKEN;
  const cases: [string, bigint, bigint, typeof DEFAULT, CohortId, CohortId][] = [];
  const add = (name: string, s: bigint, at: bigint, t: typeof DEFAULT, here: CohortId, below: CohortId): void => {
    cases.push([name, s, at, t, here, below]);
  };
  add('whale 0.1%', supply, supply / 1000n, DEFAULT, 'whale', 'dolphin');
  add('dolphin 0.01%', supply, supply / 10_000n, DEFAULT, 'dolphin', 'fish');
  add('fish 0.001%', supply, supply / 100_000n, DEFAULT, 'fish', 'shrimp');
  add(
    '0.0025%',
    supply,
    (supply * 25n) / 1_000_000n,
    { whale: 0.0025, dolphin: 0.001, fish: 1e-7 },
    'whale',
    'dolphin',
  );
  add('1e-7%', supply, supply / 1_000_000_000n, { whale: 0.1, dolphin: 0.01, fish: 1e-7 }, 'fish', 'shrimp');
  // Where float64 gets it wrong: 0.07/100 is 0.0007000000000000001, so 7e16 of 1e20 would fall short.
  add(
    '0.07%, above its double',
    10n ** 20n,
    7n * 10n ** 16n,
    { whale: 0.07, dolphin: 0.01, fish: 0.001 },
    'whale',
    'dolphin',
  );
  // And 0.57/100 is 0.005699999999999999, so one unit short would pass as a whale.
  add(
    '0.57%, below its double',
    10n ** 20n,
    57n * 10n ** 16n,
    { whale: 0.57, dolphin: 0.01, fish: 0.001 },
    'whale',
    'dolphin',
  );
  add('odd supply', 1_000_001n, 1001n, DEFAULT, 'whale', 'dolphin');

  it.each(cases)('%s', (_name, s, at, thresholds, here, below) => {
    expect(holderCohort(at, s, thresholds, null)).toBe(here);
    expect(holderCohort(at + 1n, s, thresholds, null)).toBe(here);
    expect(holderCohort(at - 1n, s, thresholds, null)).toBe(below);
  });

  it('agrees with the cross-multiplied definition, balance/supply >= pct/100', () => {
    const threshold = fc.oneof(
      fc.constantFrom(0.1, 0.01, 0.001, 0.0025, 1e-7, 2.5e-7, 0.07, 0.57),
      fc.double({ min: 1e-9, max: 50, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 256n }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: -2, max: 2 }),
        fc.array(threshold, { minLength: 3, maxLength: 3 }),
        (supply, near, delta, ts) => {
          const [whale = 0, dolphin = 0, fish = 0] = [...ts].sort((a, b) => b - a);
          fc.pre(whale > dolphin && dolphin > fish);
          // A balance within two base units of one threshold, where rounding would show.
          const { numerator, denominator } = decimalRatio([whale, dolphin, fish][near] ?? 0);
          const floor = (numerator * supply) / (denominator * 100n);
          const balance = floor + BigInt(delta) < 0n ? 0n : floor + BigInt(delta);
          const reaches = (pct: number): boolean => {
            const { numerator, denominator } = decimalRatio(pct);
            return balance * denominator * 100n >= numerator * supply;
          };
          const expected: CohortId =
            balance === 0n
              ? 'none'
              : reaches(whale)
                ? 'whale'
                : reaches(dolphin)
                  ? 'dolphin'
                  : reaches(fish)
                    ? 'fish'
                    : 'shrimp';
          expect(holderCohort(balance, supply, { whale, dolphin, fish }, null)).toBe(expected);
        },
      ),
    );
  });

  it('never puts a larger balance in a smaller cohort', () => {
    const rank: Record<CohortId, number> = {
      whale: 0,
      dolphin: 1,
      fish: 2,
      shrimp: 3,
      none: 4,
      insiders: -1,
      unverified: -1,
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 27n }), fc.bigInt({ min: 0n, max: 10n ** 27n }), (a, b) => {
        const supply = 10n ** 27n;
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(rank[holderCohort(hi, supply, DEFAULT, null)]).toBeLessThanOrEqual(
          rank[holderCohort(lo, supply, DEFAULT, null)],
        );
      }),
    );
  });
});

describe('labels and empty wallets', () => {
  const supply = 1000n * TOKEN;
  const expected: Record<LabelKind, CohortId> = {
    exchange: 'none',
    lp: 'none',
    bridge: 'none',
    burn: 'none',
    contract: 'none',
    rewards: 'none',
    team: 'insiders',
    vesting: 'insiders',
    treasury: 'insiders',
  };
  it('covers every label kind', () => {
    expect(Object.keys(expected).sort()).toEqual([...LABEL_KINDS].sort());
  });

  it.each(LABEL_KINDS.map((k) => [k, expected[k]] as const))('%s -> %s, whatever the balance', (kind, cohort) => {
    for (const balance of [0n, 1n, supply / 2n]) expect(holderCohort(balance, supply, DEFAULT, kind)).toBe(cohort);
  });

  it.each([
    ['exchange', 100n * TOKEN, 0n],
    ['lp', 100n * TOKEN, 0n],
    ['bridge', 1n, 0n],
    ['burn', 100n * TOKEN, 0n],
    ['contract', 100n * TOKEN, 0n],
    ['team', 100n * TOKEN, 100n * TOKEN],
    ['vesting', 7n, 7n],
    ['treasury', 100n * TOKEN, 100n * TOKEN],
    [null, 100n * TOKEN, 100n * TOKEN],
    [null, 0n, 0n],
    [null, -5n, 0n],
  ] as const)('ballotWeight(%s, %s) = %s', (kind, balance, weight) => {
    expect(ballotWeight(balance, kind)).toBe(weight);
  });

  it('a verified wallet holding nothing has no cohort; a cookie ballot is unverified', () => {
    expect(holderCohort(0n, supply, DEFAULT, null)).toBe('none');
    expect(holderCohort(1n, supply, DEFAULT, null)).toBe('shrimp');
    expect(ballotCohort(null, supply, DEFAULT)).toBe('unverified');
    expect(ballotCohort({ balance: supply, labelKind: null }, supply, DEFAULT)).toBe('whale');
    expect(ballotCohort({ balance: supply, labelKind: 'exchange' }, supply, DEFAULT)).toBe('none');
  });

  it('cohortFromUnits gives what holderCohort gives', () => {
    const units = cohortThresholdUnits(supply, DEFAULT);
    for (const b of [0n, 1n, units.fish, units.dolphin - 1n, units.whale]) {
      expect(cohortFromUnits(b, units, null)).toBe(holderCohort(b, supply, DEFAULT, null));
    }
  });
});

describe('sqrtWeight', () => {
  it.each([
    ['four tokens', 4n * TOKEN, 18, null, 2],
    ['no decimals', 81n, 0, null, 9],
    ['a quarter token', TOKEN / 4n, 18, null, 0.5],
    ['1e22 tokens: 41 digits, still exact', 10n ** 40n, 18, null, 1e11],
    ['one base unit of a 36-decimal token', 1n, 36, null, Math.sqrt(1e-36)],
    ['nothing', 0n, 18, null, 0],
    ['custodial', 4n * TOKEN, 18, 'exchange', 0],
    ['insiders keep it', 4n * TOKEN, 18, 'team', 2],
  ] as const)('%s', (_name, balance, decimals, kind, expected) => {
    expect(sqrtWeight(balance, decimals, kind)).toBe(expected);
  });

  it('is within float precision of the exact square root, however large the balance', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 256n - 1n }), fc.integer({ min: 0, max: 36 }), (balance, d) => {
        const w = sqrtWeight(balance, d, null);
        // Against the naive path (two roundings): both are within a few ulps of the truth.
        const quotient = Number(balance) / 10 ** d;
        const error = Math.abs(w * w - quotient) / quotient;
        expect(error).toBeLessThan(1e-14);
      }),
    );
  });
});
