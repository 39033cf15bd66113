import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundVerdict,
  bracketedRatios,
  cpuSecondsOfStat,
  generatorLabel,
  goalVerdict,
  judgeGoal,
  median,
  noise,
  parseWrkResult,
  type RoundRun,
  type Verdict,
} from '../../scripts/bench/figures.ts';

const STAT = '4242 (wrk) S 1 4242 4242 0 -1 4194560 812 0 0 0 250 130 0 0 20 0 2 0 91234 0 0';
const RESULT =
  '{"requests":1000,"durationUs":5000000,"p50Us":1200,"p99Us":4800,"connect":0,"read":1,"write":0,"timeout":2,' +
  `"status":3,"stat":"${STAT}"}`;

describe('parseWrkResult: the line scripts/bench/wrk.lua prints', () => {
  it('reads it among wrk’s other output', () => {
    expect(parseWrkResult(`Running 5s test @ http://127.0.0.1:1/\nWRK_RESULT ${RESULT}\n`)).toEqual({
      requests: 1000,
      durationUs: 5_000_000,
      p50Us: 1200,
      p99Us: 4800,
      connect: 0,
      read: 1,
      write: 0,
      timeout: 2,
      status: 3,
      stat: STAT,
    });
  });

  it.each([
    ['no such line', 'Requests/sec: 200\n'],
    ['a line that is not JSON', 'WRK_RESULT {requests: 1}\n'],
    ['a missing field', `WRK_RESULT ${RESULT.replace('"timeout":2,', '')}\n`],
    ['a field that is not a number', `WRK_RESULT ${RESULT.replace('"status":3', '"status":"3"')}\n`],
    ['no stat line', `WRK_RESULT ${RESULT.replace(`,"stat":"${STAT}"`, '')}\n`],
    ['the line inside another', `x WRK_RESULT ${RESULT}\n`],
  ])('is null for %s', (_name, output) => {
    expect(parseWrkResult(output)).toBeNull();
  });
});

describe('cpuSecondsOfStat: user + system time from a /proc/<pid>/stat line', () => {
  it.each<[string, string, number | null]>([
    ['wrk’s own', STAT, 3.8],
    ['a name with spaces and parentheses', '7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 0 0', 0.11],
    ['an idle process', '9 (node) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0', 0],
    ['a line cut short', '9 (node) S 1 9 9 0 -1 0 0 0 0 0', null],
    ['no name at all', '', null],
  ])('%s', (_name, stat, seconds) => {
    const cpu = cpuSecondsOfStat(stat);
    if (seconds === null) expect(cpu).toBeNull();
    else expect(cpu).toBeCloseTo(seconds, 10);
  });
});

describe('median and noise', () => {
  it.each<[number[], number, number]>([
    [[], 0, 0],
    [[5], 5, 0],
    [[1, 3], 2, 0.5],
    [[0.9, 1.1, 1], 1, 0.1],
    [[200, 100, 150], 150, 1 / 3],
    [[0, 0, 0], 0, 0],
  ])('%o: median %d, noise %d', (values, middle, spread) => {
    expect(median(values)).toBeCloseTo(middle, 10);
    expect(noise(values)).toBeCloseTo(spread, 10);
  });

  it('the median lies between the least and the greatest, and noise is never negative', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 }), (values) => {
        const middle = median(values);
        expect(middle).toBeGreaterThanOrEqual(Math.min(...values));
        expect(middle).toBeLessThanOrEqual(Math.max(...values));
        expect(noise(values)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('bracketedRatios: each figure over the yardstick runs around it', () => {
  const y = (rate: number): RoundRun => ({ yardstick: true, rate });
  const run = (name: string, rate: number): RoundRun => ({ yardstick: false, name, rate });

  it.each<[string, RoundRun[], Record<string, number>]>([
    ['between two yardsticks: their mean', [y(100), run('a', 60), y(200)], { a: 0.4 }],
    ['several between the same two', [y(100), run('a', 50), run('b', 100), y(100)], { a: 0.5, b: 1 }],
    ['each to its own pair', [y(100), run('a', 50), y(200), run('b', 100), y(200)], { a: 1 / 3, b: 0.5 }],
    ['after the last yardstick: that one alone', [y(100), run('a', 50)], { a: 0.5 }],
    ['before the first: that one alone', [run('a', 50), y(200)], { a: 0.25 }],
    ['no yardstick: none', [run('a', 50)], {}],
    ['yardsticks that answered nothing: none', [y(0), run('a', 50), y(0)], {}],
    ['one of two that answered nothing: the other alone', [y(0), run('a', 50), y(200)], { a: 0.25 }],
  ])('%s', (_name, runs, ratios) => {
    const got = Object.fromEntries(bracketedRatios(runs));
    expect(Object.keys(got).sort()).toEqual(Object.keys(ratios).sort());
    for (const [name, ratio] of Object.entries(ratios)) expect(got[name]).toBeCloseTo(ratio, 10);
  });

  it('a figure as fast as every yardstick around it is 1, wherever it stands', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 1e6 }),
        (kinds, rate) => {
          const runs = kinds.map((yardstick, i) => (yardstick ? y(rate) : run(`p${i}`, rate)));
          for (const ratio of bracketedRatios([y(rate), ...runs]).values()) expect(ratio).toBeCloseTo(1, 10);
        },
      ),
    );
  });
});

describe('goalVerdict: a ratio, its noise and its goal', () => {
  it.each<[number, number, number, string]>([
    [0.6, 0.1, 0.5, 'ok'],
    [0.5, 0, 0.5, 'ok'],
    [0.52, 0.1, 0.5, 'within noise'],
    [0.48, 0.1, 0.5, 'within noise'],
    [0.4, 0.1, 0.5, 'below'],
    [0.002, 0.3, 0.5, 'below'],
    [1.2, 0.5, 0.8, 'within noise'],
  ])('%d ± %d against %d: %s', (ratio, spread, goal, verdict) => {
    expect(goalVerdict(ratio, spread, goal)).toBe(verdict);
  });
});

describe('boundVerdict: a side a busy generator held down proves nothing', () => {
  it.each<[Verdict, boolean, boolean, string]>([
    ['ok', false, false, 'ok'],
    ['ok', true, false, 'ok'],
    ['ok', false, true, 'generator-bound'],
    ['below', false, false, 'below'],
    ['below', false, true, 'below'],
    ['below', true, false, 'generator-bound'],
    ['within noise', true, true, 'within noise'],
  ])('%s, numerator busy %s, denominator busy %s: %s', (verdict, numerator, denominator, bound) => {
    expect(boundVerdict(verdict, { numerator, denominator })).toBe(bound);
  });
});

describe('judgeGoal: by rate, or by server CPU where a busy generator could have decided it', () => {
  const idle = { numerator: false, denominator: false };
  it.each<[string, number[], number[], { numerator: boolean; denominator: boolean }, string]>([
    ['no generator busy: by rate', [0.6, 0.62, 0.61], [0.3], idle, 'ok'],
    ['no generator busy, below: by rate', [0.2, 0.21], [0.9], idle, 'below'],
    [
      'a busy article page under an ok: by CPU',
      [0.6, 0.62],
      [0.45, 0.46],
      { numerator: false, denominator: true },
      'below by server CPU',
    ],
    [
      'a busy figure under a below: by CPU',
      [0.4, 0.41],
      [0.55, 0.56],
      { numerator: true, denominator: false },
      'ok by server CPU',
    ],
    [
      'a busy article page under a below: by rate',
      [0.2, 0.21],
      [0.9],
      { numerator: false, denominator: true },
      'below',
    ],
    ['busy, and no CPU ratio', [0.6], [], { numerator: false, denominator: true }, 'generator-bound'],
    ['within noise either way', [0.4, 0.6], [0.4, 0.6], { numerator: true, denominator: true }, 'within noise'],
  ])('%s', (_name, rates, cpu, busy, verdict) => {
    expect(judgeGoal(rates, cpu, 0.5, busy)).toBe(verdict);
  });
});

describe('generatorLabel', () => {
  it.each([
    [0.45, '0.45'],
    [0.89, '0.89'],
    [0.9, '0.90 BUSY'],
    [1.02, '1.02 BUSY'],
  ])('%d cores: %s', (cores, label) => {
    expect(generatorLabel(cores)).toBe(label);
  });
});
