import { castVote, castVotes } from '../store/cast.server.ts';
import type { CastResult, CastVoteInput, TransactionLimiter } from '../store/cast-types.ts';
import type { Database } from '../../platform/db/db.server.ts';
import { DatabaseRateLimiter } from '../../rate-limit/store.server.ts';
import { settle, type Settled } from './writer-wire.ts';

/** Writes one batch of ballots, settling each; rejects only when none could be tried. */
export type BatchWriter = (inputs: readonly CastVoteInput[]) => Promise<Settled[]>;

/** Where ballots go to be recorded: a VoteBatcher, or the vote writer thread. */
export interface BallotWriter {
  cast(input: CastVoteInput): Promise<CastResult>;
}

/** The vote rate limit, per client address per minute, counted in the ballots' own transaction. */
export function voteRateLimiter(db: Database, perMinute: number): DatabaseRateLimiter {
  return new DatabaseRateLimiter(db, 'vote', perMinute, 60_000);
}

/**
 * A batch in one transaction, on this thread's connection (castVotes). When
 * the transaction rolls back, each ballot is tried in its own, so a bad
 * ballot fails alone.
 */
export function writeOnThisThread(db: Database, limiter?: TransactionLimiter): BatchWriter {
  return async (inputs) => {
    try {
      const results = await castVotes(db, inputs, limiter);
      return inputs.map((_, i): Settled => {
        const result = results[i];
        return result ? { ok: true, result } : { ok: false, error: new Error('no result for ballot') };
      });
    } catch {
      const settled: Settled[] = [];
      for (const input of inputs) {
        settled.push(
          await castVote(db, input, limiter).then(
            (result): Settled => ({ ok: true, result }),
            (error: unknown): Settled => ({ ok: false, error }),
          ),
        );
      }
      return settled;
    }
  };
}

/**
 * Group commit for ballots. Ballots that arrive together, or while a write
 * is under way, share one transaction: nobody waits longer than one write
 * plus a turn of the event loop, and under load a commit serves many voters
 * instead of one. The vote writer thread (writer-thread.server.ts) runs one
 * of these on its own connection.
 */
export class VoteBatcher implements BallotWriter {
  private readonly write: BatchWriter;
  private readonly maxBatch: number;
  private queue: { input: CastVoteInput; resolve: (r: CastResult) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(write: BatchWriter, options: { maxBatch?: number } = {}) {
    this.write = write;
    this.maxBatch = options.maxBatch ?? 256;
  }

  cast(input: CastVoteInput): Promise<CastResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // The embedded driver answers synchronously, so a write started now would
      // finish before any other request is even read. Waiting one turn of the
      // event loop lets ballots already on the wire join this write.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const settled = await this.write(batch.map((b) => b.input));
          batch.forEach((b, i) => settle(b, settled[i]));
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
