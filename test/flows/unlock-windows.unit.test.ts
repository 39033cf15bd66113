import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import {
  baseUnits,
  DAY_MS,
  unlockReleases,
  unlockWindows,
  type TimedTransfer,
  type UnlockWindowInput,
} from '../../src/lib/flows/unlock-windows.ts';

const AT = Date.parse('2026-10-13T00:00:00Z');
const TEAM = '0x00000000000000000000000000000000000000aa';
const DESK = '0x00000000000000000000000000000000000000bb';
const CEX = '0x00000000000000000000000000000000000000cc';
const OTHER = '0x00000000000000000000000000000000000000dd';

let order = 0;
const move = (from: string, to: string, amount: bigint, time: number): TimedTransfer => ({
  from,
  to,
  amount,
  time,
  order: ++order,
});

const input = (transfers: TimedTransfer[], over: Partial<UnlockWindowInput> = {}): UnlockWindowInput => ({
  releases: [{ at: AT, kind: 'cliff', recipient: 'team', amount: 1_000n }],
  insiders: new Set([TEAM]),
  exchanges: new Set([CEX]),
  labelled: new Set([TEAM, CEX]),
  transfers,
  asOf: AT + 60 * DAY_MS,
  ...over,
});

describe('unlock releases', () => {
  it('gives each cliff its amount and each linear cliff what accrued since its start, in base units; steady vesting has none', () => {
    const token = tokenDefinitionSchema.parse({
      symbol: 'TST',
      name: 'Test',
      chainId: 31337,
      rpcEnv: 'RPC_URL_31337',
      decimals: 2,
      unlocks: [
        { date: '2026-10-13', amount: '15000000.5', recipient: 'cliff' },
        {
          kind: 'linear',
          start: '2026-10-13',
          end: '2027-04-13',
          cliff: '2026-11-10',
          amount: '30000000',
          recipient: 'l',
        },
        { kind: 'linear', start: '2026-10-13', end: '2027-04-13', amount: '100', recipient: 'steady' },
      ],
    });
    const releases = unlockReleases(token.unlocks, 2);
    expect(releases.map((r) => [r.kind, r.recipient])).toEqual([
      ['cliff', 'cliff'],
      ['linear-cliff', 'l'],
    ]);
    expect(releases[0]?.amount).toBe(1_500_000_050n);
    const start = Date.parse('2026-10-13');
    const expected =
      (3_000_000_000n * BigInt(Date.parse('2026-11-10') - start)) / BigInt(Date.parse('2027-04-13') - start);
    expect(releases[1]?.amount).toBe(expected);
  });

  it.each([
    ['15000000', 18, 15_000_000n * 10n ** 18n],
    ['0.5', 6, 500_000n],
    ['1.23456789', 4, 12_345n],
  ])('%s tokens with %i decimals are exact base units', (text, decimals, units) => {
    expect(baseUnits(text, decimals)).toBe(units);
  });
});

describe('unlock windows', () => {
  it('counts insiders’ direct sales and what one unlabelled wallet passed on, never more than it was paid', () => {
    const [w] = unlockWindows(
      input([
        move(TEAM, CEX, 100n, AT + DAY_MS),
        move(TEAM, DESK, 300n, AT + 2 * DAY_MS),
        // Sold before it was paid: its own tokens, not the unlock's.
        move(OTHER, CEX, 50n, AT),
        move(DESK, CEX, 200n, AT + 3 * DAY_MS),
        // More than is left of what it was paid: only the 100 left counts.
        move(DESK, CEX, 500n, AT + 4 * DAY_MS),
      ]),
    );
    expect(w?.direct).toBe(100n);
    expect(w?.viaHop).toBe(300n);
    expect(w?.share).toBe(0.4);
    expect(w?.hops).toBe(1);
    expect(w?.daily[7 + 1]).toBe(100n);
    expect(w?.daily[7 + 3]).toBe(200n);
    expect(w?.daily[7 + 4]).toBe(100n);
    expect(w?.open).toBe(false);
  });

  it.each([
    ['7 days before, to the millisecond', -7 * DAY_MS, true, 0],
    ['just before the window', -7 * DAY_MS - 1, false, -1],
    ['the last millisecond of day 29', 30 * DAY_MS - 1, true, 36],
    ['30 days after, exactly: outside', 30 * DAY_MS, false, -1],
  ])('a sale %s is counted: %s', (_, offset, counted, day) => {
    const [w] = unlockWindows(input([move(TEAM, CEX, 10n, AT + offset)]));
    expect(w?.direct).toBe(counted ? 10n : 0n);
    if (counted) expect(w?.daily[day]).toBe(10n);
  });

  it('does not count a wallet paid before the window, a labelled recipient, or an insider paying another insider', () => {
    const [w] = unlockWindows(
      input(
        [
          move(TEAM, DESK, 100n, AT - 8 * DAY_MS),
          move(DESK, CEX, 100n, AT),
          move(TEAM, OTHER, 100n, AT),
          move(OTHER, CEX, 100n, AT + DAY_MS),
        ],
        { labelled: new Set([TEAM, CEX, OTHER]) },
      ),
    );
    expect(w?.direct).toBe(0n);
    expect(w?.viaHop).toBe(0n);
    expect(w?.share).toBe(0);
  });

  it('says a window not over is open, and overlapping windows each count a transfer and name each other', () => {
    const windows = unlockWindows(
      input([move(TEAM, CEX, 10n, AT + 5 * DAY_MS)], {
        releases: [
          { at: AT, kind: 'cliff', recipient: 'a', amount: 100n },
          { at: AT + 10 * DAY_MS, kind: 'linear-cliff', recipient: 'b', amount: 0n },
          { at: AT + 40 * DAY_MS, kind: 'cliff', recipient: 'c', amount: 100n },
        ],
        asOf: AT + 20 * DAY_MS,
      }),
    );
    expect(windows.map((w) => w.direct)).toEqual([10n, 10n, 0n]);
    expect(windows.map((w) => w.overlaps)).toEqual([[1], [0, 2], [1]]);
    expect(windows.map((w) => w.open)).toEqual([true, true, true]);
    // An event that releases nothing has no share to show.
    expect(windows[1]?.share).toBeNull();
  });

  it('never counts more through a wallet than insiders paid it, and its days add up to what it counted', () => {
    const address = fc.constantFrom(TEAM, DESK, CEX, OTHER);
    const transfer = fc.record({
      from: address,
      to: address,
      amount: fc.bigInt({ min: 1n, max: 1_000n }),
      time: fc.integer({ min: AT - 10 * DAY_MS, max: AT + 33 * DAY_MS }),
    });
    fc.assert(
      fc.property(fc.array(transfer, { maxLength: 40 }), (raw) => {
        const transfers = raw.filter((t) => t.from !== t.to).map((t, i) => ({ ...t, order: i }));
        const [w] = unlockWindows(input(transfers));
        if (!w) return false;
        const inWindow = (t: TimedTransfer) => t.time >= w.from && t.time < w.to;
        const paid = transfers
          .filter((t) => inWindow(t) && t.from === TEAM && (t.to === DESK || t.to === OTHER))
          .reduce((s, t) => s + t.amount, 0n);
        const direct = transfers
          .filter((t) => inWindow(t) && t.from === TEAM && t.to === CEX)
          .reduce((s, t) => s + t.amount, 0n);
        expect(w.direct).toBe(direct);
        expect(w.viaHop <= paid).toBe(true);
        expect(w.daily.reduce((s, d) => s + d, 0n)).toBe(w.direct + w.viaHop);
        return true;
      }),
    );
  });
});

describe('the token file’s reward fields', () => {
  const base = { symbol: 'TST', name: 'Test', chainId: 31337, rpcEnv: 'RPC_URL_31337' };
  const ZERO = '0x0000000000000000000000000000000000000000';

  it('takes since on the zero address labelled rewards, and a weekly floor in whole tokens', () => {
    const token = tokenDefinitionSchema.parse({
      ...base,
      labels: { [ZERO]: { name: 'Emission', kind: 'rewards', since: 3 } },
      rewardFloor: '1000.5',
    });
    expect(token.labels[ZERO]?.since).toBe(3);
    expect(token.rewardFloor).toBe('1000.5');
  });

  it.each([
    ['on another address', { [CEX]: { name: 'Distributor', kind: 'rewards', since: 3 } }],
    ['on the zero address labelled otherwise', { [ZERO]: { name: 'Burn', kind: 'burn', since: 3 } }],
  ])('refuses since %s, naming it', (_, labels) => {
    const result = tokenDefinitionSchema.safeParse({ ...base, labels });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'since is for the zero address labelled rewards (mints from that block on are rewards)',
    );
  });

  it('refuses a floor that is not a decimal amount', () => {
    expect(tokenDefinitionSchema.safeParse({ ...base, rewardFloor: '1e3' }).success).toBe(false);
  });
});
