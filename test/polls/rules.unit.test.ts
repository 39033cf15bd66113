import { describe, expect, it } from 'vitest';
import { pollRecord } from '../helpers/poll-record.ts';
import { describeStatus, formatVotes } from '../../src/lib/polls/format.ts';
import { roughDuration } from '../../src/lib/i18n/duration.ts';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { buildHistory, DAY_MS, HOUR_MS } from '../../src/lib/polls/history.ts';
import type { PollRecord } from '../../src/lib/polls/records.ts';
import { presentResults, sortForListing } from '../../src/lib/polls/results.ts';
import { checkBallot, pollStatus, resultsVisible } from '../../src/lib/polls/rules.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import { findOrphanedVotes } from '../../src/lib/polls/sync.ts';

const T0 = Date.parse('2026-11-20T00:00:00Z');

describe('pollStatus', () => {
  it.each([
    ['before opening', T0 - 1, null, 'scheduled'],
    ['at opening', T0, null, 'open'],
    ['open without an end', T0 + 10 * DAY_MS, null, 'open'],
    ['just before closing', T0 + DAY_MS - 1, T0 + DAY_MS, 'open'],
    ['at closing', T0 + DAY_MS, T0 + DAY_MS, 'closed'],
  ] as const)('%s', (_name, now, closesAt, status) => {
    expect(pollStatus({ opensAt: T0, closesAt }, now)).toBe(status);
  });
});

describe('checkBallot', () => {
  const single = { kind: 'single' as const, maxChoices: 1, optionIds: ['a', 'b', 'c'] };
  const multiple = { kind: 'multiple' as const, maxChoices: 2, optionIds: ['a', 'b', 'c'] };
  it.each([
    ['one valid choice', single, ['a'], null],
    ['empty', single, [], { reason: 'empty' }],
    ['unknown option', single, ['z'], { reason: 'unknown', optionId: 'z' }],
    ['duplicate', multiple, ['a', 'a'], { reason: 'duplicate', optionId: 'a' }],
    ['two on a single-choice poll', single, ['a', 'b'], { reason: 'too_many', max: 1 }],
    ['two on a multiple poll of two', multiple, ['a', 'b'], null],
    ['three on a multiple poll of two', multiple, ['a', 'b', 'c'], { reason: 'too_many', max: 2 }],
    ['a repeat before an unknown option', multiple, ['b', 'b', 'z'], { reason: 'duplicate', optionId: 'b' }],
    [
      'a repeat in a list too long to scan',
      multiple,
      ['a', 'b', 'c', ...Array<string>(20).fill('c')],
      { reason: 'duplicate', optionId: 'c' },
    ],
    [
      'an unknown option before a repeat, in a long list',
      multiple,
      ['a', 'z', ...Array<string>(20).fill('a')],
      { reason: 'unknown', optionId: 'z' },
    ],
  ])('%s', (_name, poll, ballot, problem) => {
    expect(checkBallot(poll, ballot)).toEqual(problem);
  });
});

describe('resultsVisible', () => {
  it.each([
    ['always', 'open', false, true],
    ['after-vote', 'open', false, false],
    ['after-vote', 'open', true, true],
    ['after-vote', 'closed', false, true],
    ['after-close', 'open', true, false],
    ['after-close', 'closed', false, true],
  ] as const)('%s while %s, voted=%s -> %s', (visibility, status, voted, visible) => {
    expect(resultsVisible(visibility, status, voted)).toBe(visible);
  });
});

const record = (overrides: Partial<PollRecord> = {}): PollRecord =>
  pollRecord({
    opensAt: T0,
    totalVotes: 3,
    options: [
      { optionId: 'a', position: 0, label: 'A', labels: {}, importedVotes: 0, votes: 2 },
      { optionId: 'b', position: 1, label: 'B', labels: {}, importedVotes: 0, votes: 1 },
    ],
    ...overrides,
  });

describe('presentResults', () => {
  it('shows counts, shares and the reader’s choice', () => {
    const r = presentResults(record(), ['a'], T0 + 1);
    expect(r.status).toBe('open');
    expect(r.totalVotes).toBe(3);
    expect(r.options.map((o) => [o.votes, o.percent])).toEqual([
      [2, 67],
      [1, 33],
    ]);
    expect(r.myVote).toEqual(['a']);
    expect(r.smallSample).toBe(true);
  });

  it('leaves hidden counts out entirely', () => {
    const r = presentResults(record({ results: 'after-vote' }), null, T0 + 1);
    expect(r.resultsVisible).toBe(false);
    expect(r.totalVotes).toBeNull();
    expect(r.options.every((o) => o.votes === null && o.percent === null)).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/"votes":\d/);
  });
});

describe('sortForListing', () => {
  it('puts open polls first, then scheduled, then closed (latest first)', () => {
    const now = T0 + 5 * DAY_MS;
    const polls = [
      record({ id: 'closed-old', closesAt: T0 + DAY_MS }),
      record({ id: 'scheduled', opensAt: T0 + 9 * DAY_MS }),
      record({ id: 'open-forever' }),
      record({ id: 'closed-new', closesAt: T0 + 2 * DAY_MS }),
      record({ id: 'open-ending', closesAt: T0 + 6 * DAY_MS }),
    ].map((p) => presentResults(p, null, now));
    expect(sortForListing(polls).map((p) => p.id)).toEqual([
      'open-ending',
      'open-forever',
      'scheduled',
      'closed-new',
      'closed-old',
    ]);
  });
});

describe('findOrphanedVotes', () => {
  const definition = pollDefinitionSchema.parse({
    id: 'p',
    question: 'Q?',
    opensAt: '2026-11-20',
    options: [
      { id: 'a', label: 'A renamed label' },
      { id: 'c', label: 'C (new)' },
    ],
  });
  it.each([
    ['an option with votes removed', [{ optionId: 'b', castVotes: 2 }], 1],
    ['an option without votes removed', [{ optionId: 'b', castVotes: 0 }], 0],
    ['labels changed and options added', [{ optionId: 'a', castVotes: 5 }], 0],
  ])('%s', (_name, options, problems) => {
    const found = findOrphanedVotes([definition], [{ id: 'p', castBallots: 2, options }]);
    expect(found).toHaveLength(problems);
    if (problems) expect(found[0]).toMatch(/poll "p": option "b" has 2 vote/);
  });

  it('refuses to drop a poll that has ballots', () => {
    expect(findOrphanedVotes([], [{ id: 'gone', castBallots: 1, options: [] }])[0]).toMatch(/poll "gone"/);
  });
});

describe('buildHistory', () => {
  it('accumulates hourly deltas from the imported counts, by day', () => {
    const points = buildHistory(
      ['a', 'b'],
      [1, 1],
      T0,
      [
        { optionId: 'a', hourStart: T0 + HOUR_MS, votes: 2 },
        { optionId: 'b', hourStart: T0 + 2 * HOUR_MS, votes: 1 },
        { optionId: 'a', hourStart: T0 + DAY_MS, votes: -1 },
        { optionId: 'b', hourStart: T0 + DAY_MS, votes: 1 },
      ],
      'day',
    );
    expect(points.map((p) => [p.at, p.votes, p.percent])).toEqual([
      [T0, [1, 1], [50, 50]],
      [T0 + DAY_MS, [3, 2], [60, 40]],
      [T0 + 2 * DAY_MS, [2, 3], [40, 60]],
    ]);
  });
});

const en = translator('en');

describe('format', () => {
  it.each([
    [formatVotes(1, en), '1 vote'],
    [formatVotes(1234, en), '1,234 votes'],
    [roughDuration(3 * DAY_MS + 5, en, 'long'), '3 days'],
    [roughDuration(HOUR_MS, en, 'long'), '1 hour'],
    [roughDuration(59_000, en, 'long'), 'less than a minute'],
    [describeStatus('closed', '', null, 0, en), 'Voting closed'],
    [describeStatus('open', '', null, 0, en), 'Open'],
    [describeStatus('open', '', new Date(T0 + 2 * DAY_MS).toISOString(), T0, en), 'Ends in 2 days'],
    [describeStatus('scheduled', new Date(T0 + 2 * HOUR_MS).toISOString(), null, T0, en), 'Opens in 2 hours'],
  ])('%s', (actual, expected) => expect(actual).toBe(expected));
});
