import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadYamlDir } from '../content/yaml.server.ts';
import type { Database } from '../platform/db/db.server.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import {
  latestSnapshots,
  recordFailure,
  recordSuccess,
  releaseLease,
  renewLease,
  reorganisedTokens,
  takeLease,
  type ScheduleRow,
} from './schedule.server.ts';
import { whyUnscheduled } from './schedule.ts';
import { tokenDefinitionSchema, type TokenDefinition } from './schemas.ts';
import { TOKENS_DIR } from './tokens.server.ts';

/**
 * Scheduled snapshots: every SNAPSHOT_EVERY, each token with an address and an
 * RPC_URL_<chainId> is scanned by `npm run snapshot` in a child process, so a
 * million-holder scan never swells the server's memory. The instance that
 * takes the token's lease (schedule.server.ts) scans, renewing the lease while
 * the child works; if it dies, its child goes with it (the IPC channel closes)
 * and once the lease lapses another instance takes over from the scan's
 * cursor. A failure is kept in one line and retried after a backoff; it never
 * stops the site.
 */

const SNAPSHOT_SCRIPT = fileURLToPath(new URL('../../../scripts/snapshot.ts', import.meta.url));

export interface SchedulerOptions {
  db: Database;
  tokens: readonly TokenDefinition[];
  rpcUrls: Readonly<Record<number, string>>;
  every: number;
  leaseMs: number;
  /** The environment the child gets (the database it writes to, above all). */
  env: Record<string, string | undefined>;
  log?: (line: string) => void;
}

/** The tokens the site shows: the demo's only with DEMO on. */
function shownTokens(config: Pick<ServerConfig, 'demo'>, dir: string): TokenDefinition[] {
  return loadYamlDir(dir, tokenDefinitionSchema)
    .map(({ data }) => data)
    .filter((t) => config.demo || !t.demo);
}

/** The tokens the scheduler scans: an address, an RPC for their chain, and shown (the demo's only with DEMO on). */
export function scheduledTokens(config: Pick<ServerConfig, 'rpcUrls' | 'demo'>, dir = TOKENS_DIR): TokenDefinition[] {
  return shownTokens(config, dir).filter((t) => t.address !== undefined && config.rpcUrls[t.chainId] !== undefined);
}

export class SnapshotScheduler {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, ChildProcess>();
  /** Each scan until it has ended and its outcome (or, once stopped, the lease's release) is written. */
  private readonly scans = new Set<Promise<void>>();
  private stopped = false;

  private readonly options: SchedulerOptions;

  constructor(options: SchedulerOptions) {
    this.options = options;
  }

  start(): void {
    const { every, leaseMs } = this.options;
    // Often enough to take over a lapsed lease promptly, never more than once a second.
    const tick = Math.max(1_000, Math.min(every, leaseMs / 2, 15_000));
    this.timer = setInterval(() => void this.tick(), tick);
    void this.tick();
  }

  /**
   * Stops scheduling and ends running scans (they resume from their cursor
   * next time); `settled` then says when their leases are given back.
   */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const child of this.running.values()) child.kill('SIGTERM');
  }

  /**
   * Resolves once every scan has ended and what it left is written: after
   * stop(), a held lease is released then, so another instance takes the
   * token over at once instead of after the lease lapses.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.scans]);
  }

  private async tick(): Promise<void> {
    let reorganised: Map<string, number>;
    try {
      reorganised = await reorganisedTokens(this.options.db);
    } catch (error) {
      this.options.log?.(`snapshots: ${(error as Error).message}`);
      return;
    }
    for (const token of this.options.tokens) {
      if (this.stopped || this.running.has(token.symbol)) continue;
      // Until someone rewinds it, a scan would only find the reorganisation again.
      if (reorganised.has(token.symbol)) continue;
      try {
        const { db, leaseMs, every } = this.options;
        const row = await takeLease(db, token.symbol, this.holder, Date.now(), leaseMs, every);
        if (row) this.scan(token, row);
      } catch (error) {
        // The database may be briefly away; the next tick tries again.
        this.options.log?.(`snapshots: ${token.symbol}: ${(error as Error).message}`);
      }
    }
  }

  private scan(token: TokenDefinition, row: ScheduleRow): void {
    const { db, leaseMs, every, rpcUrls, env, log } = this.options;
    const rpc = rpcUrls[token.chainId] ?? '';
    // The demo token's chain is a local test chain: whatever is scanned from it is simulated.
    const args = [SNAPSHOT_SCRIPT, token.symbol, '--rpc', rpc, ...(token.demo ? ['--simulated'] : [])];
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.running.set(token.symbol, child);
    let failure = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.startsWith('snapshot: ')) failure = line.slice(10).trim();
    });
    child.stdout?.resume();
    const renew = setInterval(() => {
      renewLease(db, token.symbol, this.holder, Date.now(), leaseMs).then(
        (held) => {
          // Lost to another instance (this one stalled past the lease): stop rather than scan twice.
          if (!held) child.kill('SIGKILL');
        },
        () => {},
      );
    }, leaseMs / 3);
    const { promise: scan, resolve: ended } = Promise.withResolvers<void>();
    this.scans.add(scan);
    void scan.then(() => this.scans.delete(scan));
    child.once('exit', (code, signal) => {
      clearInterval(renew);
      this.running.delete(token.symbol);
      const now = Date.now();
      const done =
        code === 0
          ? latestSnapshots(db).then((latest) =>
              recordSuccess(db, token.symbol, this.holder, now, latest.get(token.symbol)?.block ?? null, every),
            )
          : this.stopped
            ? releaseLease(db, token.symbol, this.holder)
            : recordFailure(
                db,
                row,
                this.holder,
                now,
                failure || `the scan stopped (${signal ?? `exit ${code}`})`,
                every,
              );
      done
        .then(
          () => log?.(`snapshots: ${token.symbol}: ${code === 0 ? 'snapshot taken' : `failed: ${failure || signal}`}`),
          (error: Error) => log?.(`snapshots: ${token.symbol}: could not record the outcome: ${error.message}`),
        )
        .finally(ended);
    });
  }
}

/** Starts the scheduler for the server, or returns null when SNAPSHOT_EVERY=off or no token can be scanned. */
export function startSnapshotScheduler(
  db: Database,
  config: ServerConfig,
  env: Record<string, string | undefined>,
): SnapshotScheduler | null {
  // The token page says only "updated by hand": the reason is the operator's, here and in /api/health.
  for (const token of shownTokens(config, TOKENS_DIR)) {
    const why = whyUnscheduled(token, config);
    if (why !== null) console.log(`snapshots: ${token.symbol} is not taken on a schedule: ${why}`);
  }
  if (config.snapshotEvery === null) return null;
  const tokens = scheduledTokens(config);
  if (tokens.length === 0) return null;
  const scheduler = new SnapshotScheduler({
    db,
    tokens,
    rpcUrls: config.rpcUrls,
    every: config.snapshotEvery,
    leaseMs: config.snapshotLease,
    env,
    log: (line) => console.log(line),
  });
  console.log(`snapshots: ${tokens.map((t) => t.symbol).join(', ')} every ${config.snapshotEvery / 1000} s`);
  scheduler.start();
  return scheduler;
}
