import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describable,
  OWNER_FLOOR,
  shownFigures,
  type FloorBallot,
  type FloorFigure,
} from '../../src/lib/cohorts/owner-floor.ts';

const ballot = (owner: string, ...optionIds: string[]): FloorBallot => ({ owner, optionIds });
const indices = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('a group a figure may describe', () => {
  it('needs five owners, not five wallets', () => {
    const mixed = ['a', 'b', 'a', 'b'];
    expect(describable(mixed.map((o, i) => ballot(`o${i}`, o)))).toBe(false);
    expect(describable([...mixed, 'a'].map((o, i) => ballot(`o${i}`, o)))).toBe(true);
    // Five wallets of one owner are one person's choices.
    expect(describable(['a', 'b', 'a', 'b', 'a'].map((o) => ballot('one', o)))).toBe(false);
    expect(OWNER_FLOOR).toBe(5);
  });

  it('may not be unanimous, in a multiple-choice poll either', () => {
    expect(describable(indices(0, 6).map((i) => ballot(`o${i}`, 'a')))).toBe(false);
    expect(describable(indices(0, 6).map((i) => ballot(`o${i}`, 'a', i % 2 ? 'b' : 'c')))).toBe(false);
    // Everyone chose c as well as a or b: c tells each one's choice. Half chose c: nothing is told.
    expect(describable(indices(0, 6).map((i) => ballot(`o${i}`, i % 2 ? 'a' : 'b', 'c')))).toBe(false);
    expect(describable(indices(0, 6).map((i) => ballot(`o${i}`, ...(i < 3 ? ['a', 'c'] : ['b']))))).toBe(true);
  });
});

describe('which figures are shown', () => {
  it('hides the owner tally when one owner’s three wallets are the only multi-wallet voters', () => {
    const voters = [
      ...indices(0, 20).map((i) => ballot(`single-${i}`, i % 3 ? 'a' : 'b')),
      ballot('whale', 'a'),
      ballot('whale', 'a'),
      ballot('whale', 'b'),
    ];
    const figures: FloorFigure[] = [
      { id: 'wallets', group: indices(0, 23), always: true },
      { id: 'owners', group: [20, 21, 22] },
    ];
    expect(shownFigures(voters, figures)).toEqual(new Set(['wallets']));
    expect(shownFigures(voters, figures, { publicBallots: true })).toEqual(new Set(['wallets', 'owners']));
  });

  it('hides a figure whose difference from a shown one describes fewer than five owners', () => {
    const voters = indices(0, 12).map((i) => ballot(`o${i}`, i % 2 ? 'a' : 'b'));
    const figures: FloorFigure[] = [
      { id: 'ten', group: indices(0, 10) },
      // Eight of the ten: the two it leaves out would be told by subtraction.
      { id: 'eight', group: indices(0, 8) },
      // Five of the ten, leaving five out that are not unanimous: fine.
      { id: 'five', group: indices(0, 5) },
    ];
    expect(shownFigures(voters, figures)).toEqual(new Set(['ten', 'five']));
  });

  it('never shows a figure, or a difference of two, about fewer than five owners or a unanimous group', () => {
    const arbitrary = fc
      .array(fc.record({ owner: fc.integer({ min: 0, max: 9 }), choice: fc.constantFrom('a', 'b', 'c') }), {
        minLength: 1,
        maxLength: 24,
      })
      .chain((list) =>
        fc.tuple(fc.constant(list), fc.array(fc.subarray(list.map((_, i) => i)), { maxLength: 6 }), fc.boolean()),
      );
    fc.assert(
      fc.property(arbitrary, ([list, groups, withAlways]) => {
        const ballots = list.map((b) => ballot(`o${b.owner}`, b.choice));
        const figures: FloorFigure[] = [
          ...(withAlways ? [{ id: 'all', group: list.map((_, i) => i), always: true }] : []),
          ...groups.map((group, n) => ({ id: `f${n}`, group })),
        ];
        const shown = shownFigures(ballots, figures);
        const of = (group: readonly number[]) => group.map((i) => ballots[i] as FloorBallot);
        const visible = figures.filter((f) => shown.has(f.id));
        for (const f of visible) if (!f.always) expect(describable(of(f.group))).toBe(true);
        for (const f of visible)
          for (const g of visible) {
            const inner = new Set(g.group);
            const outer = new Set(f.group);
            const within = inner.size < outer.size && [...inner].every((i) => outer.has(i));
            if (within) expect(describable(of([...outer].filter((i) => !inner.has(i))))).toBe(true);
          }
        if (withAlways) expect(shown.has('all')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
