import type { MessageKey } from '../../i18n/en.ts';
import { roughDuration } from '../i18n/duration.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import type { TokenDefinition } from './schemas.ts';

/**
 * Scheduled snapshots, the pure part: the backoff after a failure, an RPC
 * failure in one line, and the freshness line a token page shows. The lease
 * and the stored state are schedule.server.ts; the child process that scans
 * is scheduler.server.ts.
 */

/** What the database keeps of a token's schedule (snapshot_schedule). */
export interface ScheduleState {
  lastSuccessAt: number | null;
  lastBlock: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  failures: number;
  /** When the next attempt may start: after `every` once it succeeded, after the backoff once it failed. */
  nextAttemptAt: number | null;
}

/** After the n-th failure in a row: 1 min, 2, 4, … doubling, never more than the interval nor an hour. */
export function backoffMs(failures: number, every: number): number {
  const doubled = 60_000 * 2 ** Math.max(0, Math.min(failures - 1, 20));
  return Math.max(1_000, Math.min(doubled, every, 3_600_000));
}

/** A failure in one line: what the RPC answered and where the scan stood, without the RPC's URL (it may hold a key). */
export function describeSnapshotFailure(error: unknown, block: number | null): string {
  const at = block === null ? '' : ` at block ${block}`;
  for (let e: unknown = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number') return `RPC answered ${status}${at}`;
  }
  const text = `${(error as Error)?.message ?? String(error)} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  if (/timed? ?out/i.test(text)) return `RPC timed out${at}`;
  if (/ECONNREFUSED|fetch failed|ENOTFOUND|socket hang up|other side closed|ECONNRESET/i.test(text)) {
    return `RPC unreachable${at}`;
  }
  return `${(text.split('\n')[0] ?? 'snapshot failed').trim()}${at}`;
}

/** The words the freshness line needs: a Translator fits. */
export interface FreshnessWords {
  t(key: MessageKey, params?: Record<string, string | number>): string;
  number(value: number): string;
  /** BCP 47 tag, for the interval's numbers (roughDuration). */
  lang: string;
  /** A date and time in UTC, labelled as such. */
  dateTime(date: Date): string;
}

/**
 * Why this deployment does not take a token's snapshots on a schedule, in the
 * operator's words (for /api/health and the server log), or null when it does.
 */
export function whyUnscheduled(
  token: Pick<TokenDefinition, 'address' | 'chainId'>,
  config: Pick<ServerConfig, 'rpcUrls' | 'snapshotEvery'>,
): string | null {
  if (config.snapshotEvery === null) return 'SNAPSHOT_EVERY is off';
  if (token.address === undefined) return 'the token file has no contract address';
  if (config.rpcUrls[token.chainId] === undefined) return `RPC_URL_${token.chainId} is not set`;
  return null;
}

/**
 * The token page's freshness line, in a reader's words: updated on a schedule
 * (how often, when the next is due, whether the last attempt failed) or by
 * hand, and the last snapshot (from the snapshots themselves, whoever took
 * it). Moments are UTC times, not "3 h ago", so the line stays true however
 * long a cache keeps the page. What failed, and why nothing is scheduled, are
 * for whoever runs the server: /api/health and the log say them.
 */
export function freshnessLine(
  latest: { block: number; takenAt: number } | null,
  state: ScheduleState | null,
  every: number | null,
  now: number,
  words: FreshnessWords,
  chain: { confirmations: number; reorganisedBelow: number | null } | null = null,
): string {
  const last = latest
    ? words.t('fresh.last', { time: words.dateTime(new Date(latest.takenAt)), block: words.number(latest.block) })
    : words.t('fresh.none');
  // A reorganisation stops the schedule: that, not the next attempt, is what the reader needs to know.
  if (chain?.reorganisedBelow != null) {
    return words.t('fresh.line', {
      schedule: words.t('fresh.reorganised', { block: words.number(chain.reorganisedBelow) }),
      last,
    });
  }
  const depth =
    chain && chain.confirmations > 0 ? words.t('fresh.depth', { count: words.number(chain.confirmations) }) : '';
  if (every === null) return words.t('fresh.line', { schedule: words.t('fresh.byHand'), last }) + depth;
  const schedule = words.t('fresh.every', { every: roughDuration(every, words, 'short') });
  const next = state?.nextAttemptAt ?? now;
  const when = next <= now ? null : words.dateTime(new Date(next));
  const failed = Boolean(state?.lastError && state.failures > 0);
  const nextWords = failed
    ? when === null
      ? words.t('fresh.retryNow')
      : words.t('fresh.retryAt', { time: when })
    : when === null
      ? words.t('fresh.dueNow')
      : words.t('fresh.nextAt', { time: when });
  return words.t('fresh.lineNext', { schedule, last, next: nextWords }) + depth;
}
