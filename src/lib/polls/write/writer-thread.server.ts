import { parentPort, Worker, workerData } from 'node:worker_threads';
import { openDatabase } from '../../platform/db/db.server.ts';
import { VoteBatcher, voteRateLimiter, writeOnThisThread, type BallotWriter } from './batcher.server.ts';
import type { CastResult, CastVoteInput, FreshCounts } from '../store/cast-types.ts';
import { decodeBallots, decodeFates, encodeBallots, encodeFates, settle, type Settled } from './writer-wire.ts';

/**
 * The vote writer thread: ballots' group commits on an embedded database,
 * off the event loop. libsql's embedded driver runs SQL synchronously on the
 * thread that calls it, so on the main thread a batch's transaction (a
 * quarter to a third of a vote's CPU under load) held up every other request
 * while it ran. On its own thread, with its own connection to the same file, the
 * transaction runs while the main thread parses and answers the next
 * requests, and ballots that arrive meanwhile make the next batch larger.
 * SQLite serialises its writes with the main thread's connection (WAL, a
 * busy timeout); neither thread waits on the other's event loop, so the two
 * cannot deadlock the way two connections on one thread could.
 *
 * The thread starts with the first ballot and stops after IDLE_MS without
 * one, so an instance nobody votes on does not keep its memory.
 */

export interface VoteWriterOptions {
  /** The worker's entry: dist/vote-writer.mjs (scripts/vote-writer.ts), which calls serveVoteWrites. */
  script: string | URL;
  databaseUrl: string;
  authToken?: string | null;
  /** Ballots per minute per client address; 0 counts nothing. */
  voteRateLimit: number;
  /** How long the thread waits for the next batch before it stops (IDLE_MS unless a test says). */
  idleMs?: number;
  /**
   * How long a thread asked to close may take before it is terminated (5 s). Tests that load the thread from
   * TypeScript source give it longer: compiling its modules on a loaded machine can take seconds.
   */
  retireMs?: number;
}

export const IDLE_MS = 60_000;

interface WorkerData {
  databaseUrl: string;
  authToken: string | null;
  voteRateLimit: number;
}

interface WriteRequest {
  id: number;
  /** encodeBallots */
  ballots: string;
}

interface WriteAnswer {
  id: number;
  /** encodeFates */
  fates: string;
}

interface Waiting {
  pollId: string;
  resolve: (result: CastResult) => void;
  reject: (error: unknown) => void;
}

/** One started thread and the ballots it has not answered yet, by message. */
interface Running {
  worker: Worker;
  pending: Map<number, Waiting[]>;
  exited: Promise<void>;
}

/**
 * The main thread's side. Each turn of the event loop sends the ballots it
 * received as one message and goes on without waiting for the answer; the
 * thread's own VoteBatcher commits whatever messages arrived while it was
 * writing as one transaction, so under load a commit still serves many
 * voters, and the main thread never waits for a round trip to send more.
 */
export class VoteWriterThread implements BallotWriter {
  private readonly options: VoteWriterOptions;
  private running: Running | null = null;
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private queue: { input: CastVoteInput; waiting: Waiting }[] = [];
  /** The last counts answered per poll (see decodeFates). */
  private readonly latest = new Map<string, FreshCounts>();

  constructor(options: VoteWriterOptions) {
    this.options = options;
  }

  cast(input: CastVoteInput): Promise<CastResult> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.send());
      this.queue.push({ input, waiting: { pollId: input.pollId, resolve, reject } });
    });
  }

  /** Whether a thread is running now (tests watch it start and stop). */
  get started(): boolean {
    return this.running !== null;
  }

  /** Stops the thread once it has answered what it was given, closing its connection. */
  async close(): Promise<void> {
    this.send();
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const running = this.running;
    this.running = null;
    if (running) await this.retire(running);
  }

  private send(): void {
    const queued = this.queue;
    if (queued.length === 0) return;
    this.queue = [];
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const running = this.running ?? (this.running = this.start());
    const id = this.nextId++;
    running.pending.set(
      id,
      queued.map((q) => q.waiting),
    );
    running.worker.postMessage({ id, ballots: encodeBallots(queued.map((q) => q.input)) } satisfies WriteRequest);
  }

  private start(): Running {
    const data: WorkerData = {
      databaseUrl: this.options.databaseUrl,
      authToken: this.options.authToken ?? null,
      voteRateLimit: this.options.voteRateLimit,
    };
    const worker = new Worker(this.options.script, { workerData: data });
    // A thread waiting for ballots does not keep the process alive; close() or the idle timer stops it.
    worker.unref();
    const pending = new Map<number, Waiting[]>();
    let crashed: unknown = null;
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        if (this.running?.worker === worker) this.running = null;
        const error = crashed ?? new Error(`the vote writer thread stopped (exit code ${code}) before it answered`);
        for (const list of pending.values()) for (const waiting of list) waiting.reject(error);
        pending.clear();
        resolve();
      }),
    );
    worker.on('error', (error) => (crashed = error));
    worker.on('message', ({ id, fates }: WriteAnswer) => {
      const list = pending.get(id);
      if (!list) return;
      pending.delete(id);
      const settled = decodeFates(
        fates,
        list.map((w) => w.pollId),
        this.latest,
      );
      list.forEach((waiting, i) => settle(waiting, settled[i]));
      if (pending.size === 0 && this.running?.worker === worker) this.armIdle();
    });
    return { worker, pending, exited };
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      const running = this.running;
      if (!running || running.pending.size > 0 || this.queue.length > 0) return;
      this.running = null;
      void this.retire(running);
    }, this.options.idleMs ?? IDLE_MS);
    this.idle.unref();
  }

  /** Asks a thread to close its database and end; one that does not in time (retireMs) is terminated. */
  private async retire(running: Running): Promise<void> {
    running.worker.postMessage('close');
    const timer = setTimeout(() => void running.worker.terminate(), this.options.retireMs ?? 5_000);
    await running.exited;
    clearTimeout(timer);
  }
}

/** The writer thread's side (run by dist/vote-writer.mjs): group-commits the ballots it is sent. */
export function serveVoteWrites(): void {
  const port = parentPort;
  if (!port) throw new Error('serveVoteWrites runs in the vote writer thread, not the main thread');
  const { databaseUrl, authToken, voteRateLimit } = workerData as WorkerData;
  // One connection: the thread reads only inside its transactions.
  const opened = openDatabase({ url: databaseUrl, authToken, reader: false });
  const batcher = opened.then((db) => new VoteBatcher(writeOnThisThread(db, voteRateLimiter(db, voteRateLimit))));
  const answered = new Set<Promise<unknown>>();
  port.on('message', (message: WriteRequest | 'close') => {
    if (message === 'close') {
      void Promise.all(answered)
        .then(() => opened)
        .then((db) => db.$client.close())
        // Whether or not the database ever opened, the thread ends: its port was all that kept it.
        .catch(() => undefined)
        .finally(() => port.close());
      return;
    }
    const inputs = decodeBallots(message.ballots);
    const answer = batcher
      .then((b) => Promise.allSettled(inputs.map((input) => b.cast(input))))
      .then(
        (fates) =>
          fates.map((f): Settled =>
            f.status === 'fulfilled' ? { ok: true, result: f.value } : { ok: false, error: f.reason },
          ),
        // The database never opened: every ballot fails with that.
        (error: unknown) => inputs.map((): Settled => ({ ok: false, error })),
      )
      .then((settled) => port.postMessage({ id: message.id, fates: encodeFates(settled) } satisfies WriteAnswer));
    answered.add(answer);
    void answer.finally(() => answered.delete(answer));
  });
}
