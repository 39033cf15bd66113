import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n/i18n.ts';
import { LABEL_KINDS } from '../../src/lib/chain/schemas.ts';
import { holderCohort, type LabelKind } from '../../src/lib/cohorts/cohorts.ts';
import type { WeightingToken } from '../../src/lib/cohorts/ids.ts';
import { buildThreads, type CommentRow } from '../../src/lib/comments/rules.ts';
import {
  badgesNote,
  badgeTitle,
  badgeWord,
  holderBadge,
  holdingSinceText,
  type BadgeSnapshot,
} from '../../src/lib/holders/badge.ts';

const en = translator('en');
const zh = translator('zh');
const TOKEN = 10n ** 18n;
const SUPPLY = 1_000_000n * TOKEN;
const THRESHOLDS = { whale: 0.1, dolphin: 0.01, fish: 0.001 };
// 0.1% / 0.01% / 0.001% of 1,000,000 tokens.
const WHALE = 1000n * TOKEN;
const DOLPHIN = 100n * TOKEN;
const FISH = 10n * TOKEN;

const address = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const LABELLED: Record<LabelKind, string> = Object.fromEntries(
  LABEL_KINDS.map((kind, i) => [kind, address(0xa0 + i)]),
) as Record<LabelKind, string>;
const token: WeightingToken = {
  symbol: 'OPG',
  decimals: 18,
  thresholds: THRESHOLDS,
  labels: Object.fromEntries(
    LABEL_KINDS.map((kind) => [LABELLED[kind], { name: `Labelled ${kind}`, kind }]),
  ) as WeightingToken['labels'],
};
const LATEST: BadgeSnapshot = { block: 900, takenAt: Date.UTC(2026, 1, 3), simulated: false, supply: SUPPLY };
const SINCE = { block: 700, takenAt: Date.UTC(2025, 11, 1) };
const PLAIN = address(1);

describe('holderBadge: the cohort is holderCohort’s, at every threshold edge', () => {
  it.each([
    ['whale, exactly at 0.1%', WHALE, 'whale', 'whale'],
    ['whale, far above', SUPPLY / 2n, 'whale', 'whale'],
    ['dolphin, one base unit under whale', WHALE - 1n, 'dolphin', 'dolphin'],
    ['dolphin, exactly at 0.01%', DOLPHIN, 'dolphin', 'dolphin'],
    ['fish, one base unit under dolphin', DOLPHIN - 1n, 'fish', 'fish'],
    ['fish, exactly at 0.001%', FISH, 'fish', 'fish'],
    ['shrimp, one base unit under fish', FISH - 1n, 'shrimp', 'shrimp'],
    ['shrimp, one base unit', 1n, 'shrimp', 'shrimp'],
    ['holds none, zero balance', 0n, 'none', 'holds none'],
  ] as const)('%s', (_name, balance, cohort, text) => {
    const badge = holderBadge(token, LATEST, PLAIN, balance, SINCE);
    expect(badge?.cohort).toBe(holderCohort(balance, SUPPLY, THRESHOLDS, null));
    expect(badge).toMatchObject({ token: 'OPG', cohort, text, label: null });
  });

  it('names the latest snapshot as the cohort’s source, with dates in RFC 3339', () => {
    expect(holderBadge(token, LATEST, PLAIN, FISH, SINCE)).toEqual({
      token: 'OPG',
      cohort: 'fish',
      text: 'fish',
      label: null,
      snapshot: { block: 900, takenAt: '2026-02-03T00:00:00.000Z', simulated: false },
      holdingSince: { block: 700, takenAt: '2025-12-01T00:00:00.000Z' },
    });
  });
});

describe('holderBadge: labels decide before the balance', () => {
  it.each([
    ['exchange', 'none', 'Labelled exchange'],
    ['lp', 'none', 'Labelled lp'],
    ['bridge', 'none', 'Labelled bridge'],
    ['burn', 'none', 'Labelled burn'],
    ['contract', 'none', 'Labelled contract'],
    ['team', 'insiders', 'insider'],
    ['vesting', 'insiders', 'insider'],
    ['treasury', 'insiders', 'insider'],
  ] as const)('%s: %s, shown as "%s"', (kind, cohort, text) => {
    for (const balance of [WHALE * 10n, 1n, 0n]) {
      // Labels are kept lower-case; commenters' addresses come checksummed.
      const badge = holderBadge(token, LATEST, LABELLED[kind].toUpperCase().replace('0X', '0x'), balance, SINCE);
      expect(badge).toMatchObject({ cohort, text, label: { name: `Labelled ${kind}`, kind } });
      expect(badge?.cohort).toBe(holderCohort(balance, SUPPLY, THRESHOLDS, kind));
    }
  });

  it('names the label in the tooltip of an insider, whose word is not the name', () => {
    const badge = holderBadge(token, LATEST, LABELLED.team, WHALE, SINCE);
    expect(badge && badgeTitle(badge, en)).toBe(
      'OPG insider (Labelled team) at the latest snapshot: block 900, 3 Feb 2026',
    );
    const exchange = holderBadge(token, LATEST, LABELLED.exchange, WHALE, SINCE);
    expect(exchange && badgeTitle(exchange, en)).toBe(
      'OPG Labelled exchange at the latest snapshot: block 900, 3 Feb 2026',
    );
  });
});

describe('holderBadge: nothing to show', () => {
  it('gives no badge while the token has no snapshot, whatever the balance or label', () => {
    for (const who of [PLAIN, LABELLED.team, LABELLED.exchange]) {
      for (const balance of [0n, WHALE]) expect(holderBadge(token, null, who, balance, SINCE)).toBeNull();
    }
  });

  it('gives no "holding since" to a wallet that holds none now, even if it held before', () => {
    const badge = holderBadge(token, LATEST, PLAIN, 0n, SINCE);
    expect(badge?.holdingSince).toBeNull();
    expect(badge && holdingSinceText(badge, en)).toBeNull();
    expect(holderBadge(token, LATEST, PLAIN, FISH, null)?.holdingSince).toBeNull();
  });
});

describe('badge wording', () => {
  const badge = holderBadge(token, LATEST, PLAIN, WHALE, SINCE);
  const simulated = holderBadge(token, { ...LATEST, simulated: true }, PLAIN, WHALE, SINCE);

  it('says in the tooltip which snapshot the cohort comes from, and when it is simulated', () => {
    expect(badge && badgeTitle(badge, en)).toBe('OPG whale at the latest snapshot: block 900, 3 Feb 2026');
    expect(simulated && badgeTitle(simulated, en)).toBe(
      'OPG whale at the latest snapshot: block 900, 3 Feb 2026 (simulated)',
    );
  });

  it('says what "holding since" counts: snapshots, not transfers', () => {
    expect(badge && holdingSinceText(badge, en)).toEqual({
      text: 'holding since 1 Dec 2025',
      block: 'block 700',
      title: expect.stringContaining('first snapshot of the current holding, not the block of the first transfer'),
    });
  });

  it('says the same in Chinese: the cohort word, the date and the same block', () => {
    expect(badge && badgeTitle(badge, zh)).toBe('OPG 大户，依据最新快照：区块 900，2026年2月3日');
    expect(simulated && badgeTitle(simulated, zh)).toBe('OPG 大户，依据最新快照：区块 900，2026年2月3日（模拟）');
    expect(badge && holdingSinceText(badge, zh)).toEqual({
      text: '持有始于 2025年12月1日',
      block: '区块 700',
      title: expect.stringContaining('而不是第一笔转账所在的区块'),
    });
    expect(simulated && badgesNote(simulated, zh)).toContain('2026年2月3日 的区块 900（模拟数据，并非真实持仓）');
    // A custodial label keeps its name from the token file; an insider is named by its cohort.
    const exchange = holderBadge(token, LATEST, LABELLED.exchange, WHALE, SINCE);
    const team = holderBadge(token, LATEST, LABELLED.team, WHALE, SINCE);
    expect(exchange && badgeWord(exchange, zh)).toBe('Labelled exchange');
    expect(team && badgeTitle(team, zh)).toBe('OPG 内部人士（Labelled team），依据最新快照：区块 900，2026年2月3日');
  });

  it('names the snapshot once above the discussion, and that it is simulated', () => {
    expect(badge && badgesNote(badge, en)).toMatch(
      /^Holder badges: OPG at its latest snapshot, block 900 of 3 Feb 2026\. /,
    );
    expect(simulated && badgesNote(simulated, en)).toContain('block 900 of 3 Feb 2026 (simulated, not real holdings).');
    expect(badge && badgesNote(badge, en)).not.toContain('simulated');
  });
});

describe('buildThreads with badges', () => {
  const row = (id: number, author: string, parentId: number | null = null): CommentRow => ({
    id,
    postSlug: 'p',
    parentId,
    address: author,
    body: `comment ${id}`,
    createdAt: id,
    editedAt: null,
    deletedAt: null,
    hiddenAt: null,
  });
  const checksummed = '0xAbCdEf0000000000000000000000000000000001';
  const whale = holderBadge(token, LATEST, checksummed, WHALE, SINCE);
  const rows = [row(1, checksummed), row(2, address(2), 1), row(3, address(3))];

  it('gives each comment and reply its author’s badge, found by lower-case address, else null', () => {
    const badges = new Map(whale ? [[checksummed.toLowerCase(), whale]] : []);
    const threads = buildThreads(rows, 'oldest', { address: null, isAdmin: false }, 0, badges);
    expect(threads.map((t) => [t.id, t.badge])).toEqual([
      [1, whale],
      [3, null],
    ]);
    expect(threads[0]?.replies[0]?.badge).toBeNull();
  });

  it('gives no badges when the post has none (no token, or no snapshot)', () => {
    const threads = buildThreads(rows, 'oldest', { address: null, isAdmin: false }, 0);
    expect(threads.flatMap((t) => [t, ...t.replies]).map((c) => c.badge)).toEqual([null, null, null]);
  });
});
