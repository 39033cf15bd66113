import { busyChange } from '../networks.ts';
import type { NetworkHasher } from '../networks.server.ts';
import type { BatchChanges } from './batch.ts';
import { countsByNetwork, type CastVoteInput } from './cast-types.ts';

/** A network's ballots in a poll, as castStatements reads and adds them. */
export interface NetworkRow {
  pollId: string;
  network: string;
  ballots: number;
}

/**
 * A batch's new ballots without a wallet, by poll and client network: what
 * their networks counted before the batch, and what it adds. A batch mostly
 * comes from a few clients, so each address is hashed once.
 */
export class BatchNetworks {
  /** Each input's `<pollId> NUL <network hash>`, or null when it is not counted by network. */
  private readonly of: (string | null)[];
  private readonly counts = new Map<string, { before: number; added: number }>();

  constructor(inputs: readonly CastVoteInput[], hash: NetworkHasher | null) {
    const hashed = new Map<string, string>();
    this.of = inputs.map((input) => {
      if (!hash || !countsByNetwork(input)) return null;
      const address = input.clientKey ?? '';
      let network = hashed.get(address);
      if (network === undefined) hashed.set(address, (network = hash(address)));
      const key = `${input.pollId}\u0000${network}`;
      if (!this.counts.has(key)) this.counts.set(key, { before: 0, added: 0 });
      return key;
    });
  }

  /** The polls' networks whose counts to read, as JSON; null when no ballot is counted by network. */
  keys(): string | null {
    if (this.counts.size === 0) return null;
    return JSON.stringify(
      [...this.counts.keys()].map((k): Omit<NetworkRow, 'ballots'> => {
        const [pollId = '', network = ''] = k.split('\u0000');
        return { pollId, network };
      }),
    );
  }

  before(rows: readonly NetworkRow[]): void {
    for (const row of rows) {
      const count = this.counts.get(`${row.pollId}\u0000${row.network}`);
      if (count) count.before = row.ballots;
    }
  }

  /** Input `index` was recorded as a new ballot. */
  add(index: number): void {
    const key = this.of[index];
    const count = key ? this.counts.get(key) : undefined;
    if (count) count.added += 1;
  }

  /** Moves each poll's busy-network figures by what the batch added; the rows to add, as JSON, or null. */
  added(changes: BatchChanges): string | null {
    const rows: NetworkRow[] = [];
    for (const [key, { before, added }] of this.counts) {
      if (added === 0) continue;
      const [pollId = '', network = ''] = key.split('\u0000');
      const moved = busyChange(before, before + added);
      const poll = changes.of(pollId);
      poll.busyBallots += moved.ballots;
      poll.busyNetworks += moved.networks;
      rows.push({ pollId, network, ballots: added });
    }
    return rows.length === 0 ? null : JSON.stringify(rows);
  }
}
