import { HOUR_MS } from '../history.ts';
import type { CastVoteInput } from './cast-types.ts';

/*
 * What one batch of ballots changes, gathered before it is written in one round trip (cast.server.ts).
 */

/** A chosen option, as castVotes writes it (castStatements' insertChoices). */
export interface ChoiceRow {
  voteId: number;
  pollId: string;
  optionId: string;
  createdAt: number;
}

/**
 * What one batch changes in one poll: new ballots, those from busy networks, and net votes per option
 * overall and per hour.
 */
export interface PollChange {
  ballots: number;
  verified: number;
  busyBallots: number;
  busyNetworks: number;
  options: Record<string, number>;
  hours: Map<number, Record<string, number>>;
}

/** A batch's changes by poll, and the chosen options it has yet to write. */
export class BatchChanges {
  readonly polls = new Map<string, PollChange>();
  private choices: ChoiceRow[] = [];

  /** The changes to poll `pollId`, empty until something is recorded. */
  of(pollId: string): PollChange {
    let change = this.polls.get(pollId);
    if (!change) {
      change = { ballots: 0, verified: 0, busyBallots: 0, busyNetworks: 0, options: {}, hours: new Map() };
      this.polls.set(pollId, change);
    }
    return change;
  }

  /** Ballot `voteId` now holds `input`'s options instead of `previous`, from the hour of `input.now`. */
  record(input: CastVoteInput, voteId: number, previous: readonly string[]): void {
    const poll = this.of(input.pollId);
    const hour = Math.floor(input.now / HOUR_MS) * HOUR_MS;
    let hourDeltas = poll.hours.get(hour);
    if (!hourDeltas) poll.hours.set(hour, (hourDeltas = {}));
    const add = (optionId: string, n: number): void => {
      poll.options[optionId] = (poll.options[optionId] ?? 0) + n;
      hourDeltas[optionId] = (hourDeltas[optionId] ?? 0) + n;
    };
    for (const id of previous) add(id, -1);
    for (const id of input.optionIds) {
      this.choices.push({ voteId, pollId: input.pollId, optionId: id, createdAt: input.now });
      add(id, 1);
    }
  }

  /** The chosen options recorded since the last call, which the caller now writes. */
  takeChoices(): ChoiceRow[] {
    return this.choices.splice(0);
  }
}
