import { castVote, castVotes, type CastResult, type CastVoteInput, type TransactionLimiter } from './repo.server.ts';
import type { Database } from '../server/db.server.ts';

/**
 * Group commit for ballots. Ballots that arrive together, or while a write
 * is under way, share one transaction: nobody waits longer than one write
 * plus a turn of the event loop, and under load a commit serves many voters
 * instead of one.
 */
export class VoteBatcher {
  private readonly db: Database;
  private readonly maxBatch: number;
  /** Counts the ballots' rate-limit hits in their transaction; none counts nothing. */
  private readonly limiter: TransactionLimiter | undefined;
  private queue: { input: CastVoteInput; resolve: (r: CastResult) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(db: Database, options: { maxBatch?: number; limiter?: TransactionLimiter } = {}) {
    this.db = db;
    this.maxBatch = options.maxBatch ?? 256;
    this.limiter = options.limiter;
  }

  cast(input: CastVoteInput): Promise<CastResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // The database driver answers synchronously, so a write started now would
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
          const results = await castVotes(
            this.db,
            batch.map((b) => b.input),
            this.limiter,
          );
          batch.forEach((b, i) => {
            const result = results[i];
            if (result) b.resolve(result);
            else b.reject(new Error('no result for ballot'));
          });
        } catch {
          // The whole transaction rolled back; retry one by one so a bad ballot fails alone.
          for (const b of batch) await castVote(this.db, b.input, this.limiter).then(b.resolve, b.reject);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
