import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapLabel } from '../../src/lib/charts/labels.ts';
import { timeDomain, timeTicks } from '../../src/lib/charts/time-axis.ts';
import {
  formatDate,
  formatDateTime,
  formatDayMonth,
  formatDayTime,
  formatMonth,
  formatTime,
  formatYear,
} from '../../src/lib/i18n/dates.ts';
import { DAY_MS, formatPeriod, HOUR_MS, namePeriod, periodOf, periodStamp } from '../../src/lib/polls/history.ts';
import { leaders } from '../../src/lib/polls/tally.ts';

const chars = (s: string): number => [...s].length;

describe('dates, one format per language, in UTC', () => {
  // 18:00 UTC on 1 December is already 2 December in Shanghai: the page must still say 1 December.
  const evening = Date.UTC(2026, 11, 1, 18, 0);
  it.each([
    ['formatDate', formatDate(evening, 'en'), '1 Dec 2026'],
    ['formatDate', formatDate(evening, 'zh-Hans'), '2026年12月1日'],
    ['formatDate', formatDate(evening, 'zh'), '2026年12月1日'],
    ['formatDateTime', formatDateTime(evening, 'en'), '1 Dec 2026, 18:00'],
    ['formatDateTime', formatDateTime(evening, 'zh-Hans'), '2026年12月1日 18:00'],
    ['formatDayMonth', formatDayMonth(evening, 'en'), '1 Dec'],
    ['formatDayMonth', formatDayMonth(evening, 'zh-Hans'), '12月1日'],
    ['formatDayTime', formatDayTime(evening, 'en'), '1 Dec, 18:00'],
    ['formatDayTime', formatDayTime(evening, 'zh-Hans'), '12月1日 18:00'],
    ['formatTime', formatTime(Date.UTC(2026, 11, 1, 0, 5), 'en'), '00:05'],
    ['formatMonth', formatMonth(evening, 'en', false), 'Dec'],
    ['formatMonth', formatMonth(evening, 'en', true), 'Dec 2026'],
    ['formatMonth', formatMonth(evening, 'zh-Hans', true), '2026年12月'],
    ['formatYear', formatYear(evening, 'en'), '2026'],
    ['formatYear', formatYear(evening, 'zh-Hans'), '2026年'],
  ])('%s gives %j', (_name, got, expected) => {
    expect(got).toBe(expected);
  });

  it('names the period a history point closes, not the midnight after it', () => {
    // Ballots cast at 18:00 UTC on 1 December: the daily point is stamped 2 December 00:00.
    const dailyPoint = Date.UTC(2026, 11, 2);
    const hourlyPoint = Date.UTC(2026, 11, 1, 19);
    const imported = Date.UTC(2026, 11, 1, 15, 27);
    const cases: [number, 'hour' | 'day', string, string, string, string][] = [
      [dailyPoint, 'day', '1 Dec 2026', '2026年12月1日', '2026-12-01', '2026-12-01T00:00:00.000Z'],
      [
        hourlyPoint,
        'hour',
        '1 Dec, 18:00–19:00',
        '12月1日 18:00–19:00',
        '2026-12-01T18:00Z',
        '2026-12-01T18:00:00.000Z',
      ],
      [imported, 'hour', '1 Dec, 15:00–16:00', '12月1日 15:00–16:00', '2026-12-01T15:00Z', '2026-12-01T15:00:00.000Z'],
      [imported, 'day', '1 Dec 2026', '2026年12月1日', '2026-12-01', '2026-12-01T00:00:00.000Z'],
    ];
    for (const [at, period, en, zh, stamp, start] of cases) {
      expect(formatPeriod(at, period, 'en')).toBe(en);
      expect(formatPeriod(at, period, 'zh-Hans')).toBe(zh);
      expect(periodStamp(at, period)).toBe(stamp);
      expect(new Date(periodOf(at, period)).toISOString()).toBe(start);
      expect(namePeriod(periodOf(at, period), period, 'en')).toBe(en);
    }
  });
});

describe('leaders follow counts, and a tie keeps every tied option', () => {
  it.each([
    [
      [1, 1, 0, 1],
      [0, 1, 3],
    ],
    [
      [2, 2, 1],
      [0, 1],
    ],
    [[2, 3, 1], [1]],
    [[0, 0, 0], []],
    [[], []],
    [[5], [0]],
    [
      [2n, 5n, 5n],
      [1, 2],
    ],
    [[0n, 0n], []],
    [[0.5, 0.25], [0]],
  ] as [(number | bigint)[], number[]][])('leaders, case %#', (counts, expected) => {
    expect(leaders(counts)).toEqual(expected);
  });

  it('never names an option with fewer votes than another, nor leaves out one with as many', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 20 }), { maxLength: 8 }), (counts) => {
        const top = Math.max(0, ...counts);
        const expected = top === 0 ? [] : counts.flatMap((n, i) => (n === top ? [i] : []));
        expect(leaders(counts)).toEqual(expected);
      }),
    );
  });
});

describe('bar labels wrap instead of being cut off', () => {
  it.each([
    ['Yes: small holders hold more of it', 12, ['Yes: small', 'holders hold', 'more of it']],
    ['Too soon to say', 40, ['Too soon to say']],
    ['是：小额持有者手里的份额比以前更多了', 6, ['是：小额持有', '者手里的份额', '比以前更多了']],
    // No line starts with a closing mark or ends with an opening one.
    ['一二三四，五六（七八）', 4, ['一二三', '四，五六', '（七八）']],
    ['模拟演示：OPGSIM 的供应量', 8, ['模拟演示：', 'OPGSIM 的', '供应量']],
    ['Supercalifragilistic word', 8, ['Supercal', 'ifragili', 'stic', 'word']],
    ['', 10, ['']],
    ['  spaced   out  ', 20, ['spaced out']],
  ])('wrapLabel(%j, %i)', (text, width, expected) => {
    expect(wrapLabel(text, width, chars)).toEqual(expected);
  });

  it('keeps every character, in order, and no line wider than allowed unless one character is', () => {
    const text = fc.stringMatching(/^[A-Za-z一-龥，。：（） ]{0,60}$/);
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 20 }), (label, width) => {
        const lines = wrapLabel(label, width, chars);
        expect(lines.join('').replace(/\s/g, '')).toBe(label.replace(/\s/g, ''));
        for (const line of lines) expect(chars(line) <= width || chars(line) <= 2).toBe(true);
      }),
    );
  });
});

describe('a time axis spaced by real time', () => {
  it.each([
    // One point (or a column of points from one hour): centred on a span of the minimum width.
    [[Date.UTC(2026, 11, 1, 18)], DAY_MS, { min: Date.UTC(2026, 11, 1, 6), max: Date.UTC(2026, 11, 2, 6) }],
    [
      [Date.UTC(2026, 11, 1, 18), Date.UTC(2026, 11, 1, 18, 40)],
      4 * HOUR_MS,
      { min: Date.UTC(2026, 11, 1, 16, 20), max: Date.UTC(2026, 11, 1, 20, 20) },
    ],
    // Wider than the minimum: the points and a 4% margin each side.
    [[0, 100 * DAY_MS], DAY_MS, { min: -4 * DAY_MS, max: 104 * DAY_MS }],
    [[], DAY_MS, null],
  ])('timeDomain(%j)', (times, minSpan, expected) => {
    expect(timeDomain(times, minSpan)).toEqual(expected);
  });

  it.each([
    [
      'hours in one day',
      Date.UTC(2026, 11, 1, 17, 30),
      Date.UTC(2026, 11, 1, 20),
      4,
      'en',
      [
        ['2026-12-01T18:00', ['18:00', '1 Dec']],
        ['2026-12-01T19:00', ['19:00']],
        ['2026-12-01T20:00', ['20:00']],
      ],
    ],
    [
      'hours across midnight, in Chinese',
      Date.UTC(2026, 11, 1, 6),
      Date.UTC(2026, 11, 2, 6),
      5,
      'zh-Hans',
      [
        ['2026-12-01T06:00', ['06:00', '12月1日']],
        ['2026-12-01T12:00', ['12:00']],
        ['2026-12-01T18:00', ['18:00']],
        ['2026-12-02T00:00', ['00:00', '12月2日']],
        ['2026-12-02T06:00', ['06:00']],
      ],
    ],
    [
      'Mondays over three months',
      Date.UTC(2026, 8, 1),
      Date.UTC(2026, 11, 2),
      10,
      'en',
      [
        ['2026-09-14T00:00', ['14 Sept', '2026']],
        ['2026-09-28T00:00', ['28 Sept']],
        ['2026-10-12T00:00', ['12 Oct']],
        ['2026-10-26T00:00', ['26 Oct']],
        ['2026-11-09T00:00', ['9 Nov']],
        ['2026-11-23T00:00', ['23 Nov']],
      ],
    ],
    [
      'months across a new year',
      Date.UTC(2026, 9, 13),
      Date.UTC(2027, 3, 13),
      6,
      'en',
      [
        ['2026-11-01T00:00', ['Nov', '2026']],
        ['2026-12-01T00:00', ['Dec']],
        ['2027-01-01T00:00', ['Jan', '2027']],
        ['2027-02-01T00:00', ['Feb']],
        ['2027-03-01T00:00', ['Mar']],
        ['2027-04-01T00:00', ['Apr']],
      ],
    ],
  ] as [string, number, number, number, string, [string, string[]][]][])(
    'ticks %s',
    (_name, min, max, most, lang, expected) => {
      const ticks = timeTicks(min, max, most, lang).map((t) => [new Date(t.at).toISOString().slice(0, 16), t.label]);
      expect(ticks).toEqual(expected);
    },
  );

  it('places ticks at round UTC moments inside the span, in order, never more than asked', () => {
    const span = fc.tuple(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      fc.integer({ min: HOUR_MS, max: 3 * 365 * DAY_MS }),
      fc.integer({ min: 2, max: 12 }),
    );
    fc.assert(
      fc.property(span, ([min, width, most]) => {
        const ticks = timeTicks(min, min + width, most, 'en');
        expect(ticks.length).toBeLessThanOrEqual(most);
        expect(ticks.length).toBeGreaterThan(0);
        ticks.forEach((tick, n) => {
          expect(tick.at).toBeGreaterThanOrEqual(min);
          expect(tick.at).toBeLessThanOrEqual(min + width);
          expect(tick.at % HOUR_MS).toBe(0);
          if (n > 0) expect(tick.at).toBeGreaterThan(ticks[n - 1]?.at ?? 0);
        });
        // Equal steps, except months and years, which are as long as the calendar makes them.
        const gaps = ticks.slice(1).map((tick, n) => tick.at - (ticks[n]?.at ?? 0));
        if (gaps.length > 0 && (gaps[0] ?? 0) <= 14 * DAY_MS) expect(new Set(gaps).size).toBe(1);
      }),
      // Four days from a millisecond past a Monday, two ticks at most: no Monday falls inside, two-day steps do.
      { examples: [[[Date.UTC(2022, 1, 21) + 1, 4 * DAY_MS, 2]]] },
    );
  });
});
