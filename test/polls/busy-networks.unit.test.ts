import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUSY_NETWORK_BALLOTS,
  busyChange,
  busyShare,
  busyTotals,
  type BusyNetworks,
} from '../../src/lib/polls/networks.ts';

describe('a network over the line', () => {
  it('is one that cast more than five ballots', () => {
    expect(BUSY_NETWORK_BALLOTS).toBe(5);
  });

  it.each<[number, BusyNetworks]>([
    [0, { ballots: 0, networks: 0 }],
    [1, { ballots: 0, networks: 0 }],
    [5, { ballots: 0, networks: 0 }],
    [6, { ballots: 6, networks: 1 }],
    [40, { ballots: 40, networks: 1 }],
  ])('a network with %i ballots adds %o', (count, share) => {
    expect(busyShare(count)).toEqual(share);
  });
});

describe('busyChange: what one batch moves the poll figures by', () => {
  it.each<[string, number, number, BusyNetworks]>([
    ['below the line throughout', 0, 5, { ballots: 0, networks: 0 }],
    ['crossing it by one (5 to 6): all six at once', 5, 6, { ballots: 6, networks: 1 }],
    ['crossing it from nothing in one batch', 0, 9, { ballots: 9, networks: 1 }],
    ['beyond it: one per ballot', 6, 7, { ballots: 1, networks: 0 }],
    ['beyond it, a batch of several', 12, 20, { ballots: 8, networks: 0 }],
    ['no change', 8, 8, { ballots: 0, networks: 0 }],
    ['falling back under the line', 7, 4, { ballots: -7, networks: -1 }],
  ])('%s (%i to %i)', (_name, before, after, moved) => {
    expect(busyChange(before, after)).toEqual(moved);
  });
});

describe('busyTotals', () => {
  it.each<[number[], BusyNetworks]>([
    [[], { ballots: 0, networks: 0 }],
    [[1, 2, 5], { ballots: 0, networks: 0 }],
    [[6], { ballots: 6, networks: 1 }],
    [[3, 6, 10, 5], { ballots: 16, networks: 2 }],
  ])('of %o is %o', (counts, totals) => {
    expect(busyTotals(counts)).toEqual(totals);
  });
});

describe('the figures kept batch by batch', () => {
  it('always equal the figures worked out from every network count, whatever the batches', () => {
    // A batch: [network, change] pairs; a change may be negative, so the kept sums hold both ways.
    const batch = fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -3, max: 9 })), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 30 }), (batches) => {
        const counts = new Map<number, number>();
        let kept: BusyNetworks = { ballots: 0, networks: 0 };
        for (const changes of batches) {
          // As castVotes does: a network's changes in one batch are added up, then applied once.
          const added = new Map<number, number>();
          for (const [network, change] of changes) added.set(network, (added.get(network) ?? 0) + change);
          for (const [network, change] of added) {
            const before = counts.get(network) ?? 0;
            const after = Math.max(0, before + change);
            counts.set(network, after);
            const moved = busyChange(before, after);
            kept = { ballots: kept.ballots + moved.ballots, networks: kept.networks + moved.networks };
          }
          expect(kept).toEqual(busyTotals(counts.values()));
        }
      }),
    );
  });
});
