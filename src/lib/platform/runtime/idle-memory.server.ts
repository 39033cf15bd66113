/**
 * Gives an idle instance's memory back to the system.
 *
 * The serve script sizes V8's young generation for load (8 MB semi-spaces,
 * `--max-semi-space-size`): under a flood of votes a 4 MB one was swept
 * forty times a second, each sweep copying the requests in flight, and
 * promoted so much that the old generation was marked twice a second. But
 * V8 keeps the pages a busy spell grew, and the pages it freed, in its own
 * pool: an instance that had rendered a few pages held about 7 MB more at
 * rest than with 4 MB semi-spaces. So once no request has arrived for a
 * while, one memory-reducing collection runs (V8's "last resort": full
 * collections until nothing more is freed, then the young generation shrunk
 * and pooled pages released). It runs once per quiet spell, however long the
 * spell lasts, and costs a pause of a few tens of milliseconds that no
 * request is waiting for.
 */

/** V8's collector as `--expose-gc` exposes it. */
type ExposedGc = (options: { type: 'major'; execution: 'async'; flavor: 'last-resort' }) => void;

export interface IdleCollectorOptions {
  /** How often the collector looks for a quiet spell. */
  tickMs?: number;
  /** Ticks in a row that saw no request before it collects: a quiet spell of (quietTicks − 1) to quietTicks ticks. */
  quietTicks?: number;
  /** What collecting does; V8's memory-reducing collection by default. */
  collect?: () => void;
}

export class IdleCollector {
  private requests = 0;
  private requestsAtLastTick = 0;
  private quiet = 0;
  /** Nothing was allocated for requests since the last collection. Start-up allocates as a busy spell does. */
  private clean = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly tickMs: number;
  private readonly quietTicks: number;
  private readonly collect: () => void;
  /** Collections run so far (tests and the health of the mechanism). */
  collections = 0;

  constructor(collect: () => void, options: Omit<IdleCollectorOptions, 'collect'> = {}) {
    this.collect = collect;
    this.tickMs = options.tickMs ?? 4_000;
    this.quietTicks = options.quietTicks ?? 3;
  }

  /** A request arrived. Called on every request, so it only counts. */
  touch(): void {
    this.requests++;
  }

  /** One look, as the timer takes it every tickMs. */
  tick(): void {
    if (this.requests !== this.requestsAtLastTick) {
      this.requestsAtLastTick = this.requests;
      this.quiet = 0;
      this.clean = false;
      return;
    }
    if (this.clean || ++this.quiet < this.quietTicks) return;
    this.clean = true;
    this.collections++;
    this.collect();
  }

  start(): this {
    // The timer alone never keeps the process alive.
    this.timer ??= setInterval(() => this.tick(), this.tickMs).unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * The collector for this process, started; null when the process was not
 * started with `--expose-gc` (as `npm run serve` starts it), since nothing
 * else lets a program ask V8 to give memory back.
 */
export function startIdleCollector(options: IdleCollectorOptions = {}): IdleCollector | null {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  const collect =
    options.collect ?? (gc ? () => gc({ type: 'major', execution: 'async', flavor: 'last-resort' }) : null);
  return collect ? new IdleCollector(collect, options).start() : null;
}
