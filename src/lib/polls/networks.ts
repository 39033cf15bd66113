/**
 * Stuffing made visible: ballots cast without a wallet are counted per
 * client network (polls/networks.server.ts keeps the counts), and a poll
 * shows how many came from networks that cast more than
 * BUSY_NETWORK_BALLOTS of them. A household or an office behind one address
 * casts a few; a script cycling voter cookies casts many. The sum is kept as
 * the counts change (busyChange), so reading it never walks the networks.
 */

/** A network that cast more than this many ballots without a wallet in one poll is shown as busy. */
export const BUSY_NETWORK_BALLOTS = 5;

/** Ballots without a wallet from busy networks, and how many networks those are. */
export interface BusyNetworks {
  ballots: number;
  networks: number;
}

export const NO_BUSY_NETWORKS: BusyNetworks = Object.freeze({ ballots: 0, networks: 0 });

/** What one network with `count` ballots adds to the poll's figures: all of them once it is busy, else nothing. */
export function busyShare(count: number): BusyNetworks {
  return count > BUSY_NETWORK_BALLOTS ? { ballots: count, networks: 1 } : NO_BUSY_NETWORKS;
}

/**
 * How the poll's figures move when one network's count goes from `before`
 * to `after`: crossing the line brings in every ballot it had (5 → 6 adds 6
 * ballots and 1 network), beyond it each ballot adds one.
 *
 * @example busyChange(5, 6) // { ballots: 6, networks: 1 }
 * @example busyChange(6, 9) // { ballots: 3, networks: 0 }
 */
export function busyChange(before: number, after: number): BusyNetworks {
  const was = busyShare(before);
  const is = busyShare(after);
  return { ballots: is.ballots - was.ballots, networks: is.networks - was.networks };
}

/** The figures straight from every network's count: what the kept sums must always equal. */
export function busyTotals(counts: Iterable<number>): BusyNetworks {
  let ballots = 0;
  let networks = 0;
  for (const count of counts) {
    const share = busyShare(count);
    ballots += share.ballots;
    networks += share.networks;
  }
  return { ballots, networks };
}
