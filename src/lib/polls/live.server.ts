import type { PollRecord } from './records.ts';
import { presentResults } from './results.ts';
import { pollStatus, type PollStatus } from './rules.ts';

/**
 * Fans poll results out to Server-Sent Events subscribers. Each change costs
 * one database read per poll, whatever the number of subscribers: the payload
 * is built once per audience (readers who voted, readers who did not) and the
 * same bytes are written to every stream.
 */

export interface LiveSource {
  /** Reads one poll with its counts. */
  load(pollId: string): Promise<PollRecord | null>;
  /** Reads the version of each poll, to notice writes made by other instances. */
  versions(pollIds: readonly string[]): Promise<Map<string, number>>;
}

export interface Subscriber {
  /** Whether this reader had voted when they subscribed; decides what results they may see. */
  hasVoted: boolean;
  write(chunk: string): void;
  /** Ends the stream (server shutdown). */
  close(): void;
}

export interface LiveOptions {
  /** At most one tally event per poll in this window. */
  coalesceMs: number;
  /** How often to look for writes made elsewhere. */
  watchMs: number;
  /** Comment pings keep proxies from closing idle streams. */
  pingMs: number;
  now: () => number;
}

interface Channel {
  subscribers: Set<Subscriber>;
  lastSentAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  version: number;
  status: PollStatus | null;
  times: Pick<PollRecord, 'opensAt' | 'closesAt'> | null;
}

/** One SSE event, serialised. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class PollLiveHub {
  private readonly channels = new Map<string, Channel>();
  private readonly source: LiveSource;
  private readonly options: LiveOptions;
  private watchTimer: ReturnType<typeof setInterval> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  /** Set by closeAll: the hub takes no new subscribers. */
  private closedRetryMs: number | null = null;

  constructor(source: LiveSource, options: Partial<LiveOptions> = {}) {
    this.source = source;
    this.options = { coalesceMs: 250, watchMs: 1000, pingMs: 25_000, now: Date.now, ...options };
  }

  subscriberCount(): number {
    let n = 0;
    for (const channel of this.channels.values()) n += channel.subscribers.size;
    return n;
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(pollId: string, subscriber: Subscriber, version: number): () => void {
    // Shutting down: a stream that arrives now is told to come back (elsewhere) at once.
    if (this.closedRetryMs !== null) {
      subscriber.write(`retry: ${this.closedRetryMs}\n\n`);
      subscriber.close();
      return () => {};
    }
    let channel = this.channels.get(pollId);
    if (!channel) {
      channel = { subscribers: new Set(), lastSentAt: 0, timer: null, version, status: null, times: null };
      this.channels.set(pollId, channel);
    }
    channel.subscribers.add(subscriber);
    this.startTimers();
    return () => {
      const current = this.channels.get(pollId);
      if (!current) return;
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0) {
        if (current.timer) clearTimeout(current.timer);
        this.channels.delete(pollId);
      }
      if (this.channels.size === 0) this.stopTimers();
    };
  }

  /** Call after a write to a poll: subscribers get one coalesced tally event. */
  notify(pollId: string): void {
    const channel = this.channels.get(pollId);
    if (!channel || channel.timer) return;
    const wait = Math.max(0, channel.lastSentAt + this.options.coalesceMs - this.options.now());
    channel.timer = setTimeout(() => {
      channel.timer = null;
      void this.flush(pollId, channel);
    }, wait);
  }

  /** Ends every stream, telling clients when to reconnect (e.g. on shutdown). */
  closeAll(retryMs: number): void {
    this.closedRetryMs = retryMs;
    for (const channel of this.channels.values()) {
      if (channel.timer) clearTimeout(channel.timer);
      for (const subscriber of channel.subscribers) {
        subscriber.write(`retry: ${retryMs}\n\n`);
        subscriber.close();
      }
    }
    this.channels.clear();
    this.stopTimers();
  }

  private async flush(pollId: string, channel: Channel): Promise<void> {
    channel.lastSentAt = this.options.now();
    const poll = await this.source.load(pollId).catch(() => null);
    if (!poll || channel.subscribers.size === 0) return;
    channel.version = poll.version;
    channel.status = pollStatus(poll, channel.lastSentAt);
    channel.times = { opensAt: poll.opensAt, closesAt: poll.closesAt };
    // myVote is per reader: clients keep their own, so the shared payload leaves it out.
    const forVoters = sseEvent('tally', presentResults(poll, [], channel.lastSentAt));
    const forOthers = sseEvent('tally', presentResults(poll, null, channel.lastSentAt));
    for (const subscriber of channel.subscribers) subscriber.write(subscriber.hasVoted ? forVoters : forOthers);
  }

  /** One query for all watched polls: picks up writes from other instances and status changes at open/close. */
  private async watch(): Promise<void> {
    const ids = [...this.channels.keys()];
    if (ids.length === 0) return;
    const versions = await this.source.versions(ids).catch(() => null);
    if (!versions) return;
    const now = this.options.now();
    for (const id of ids) {
      const channel = this.channels.get(id);
      const version = versions.get(id);
      if (!channel || version === undefined) continue;
      if (version !== channel.version) {
        channel.version = version;
        this.notify(id);
      } else if (channel.times && pollStatus(channel.times, now) !== channel.status) {
        // Crossing opensAt/closesAt changes what readers may see without any write.
        this.notify(id);
      }
    }
  }

  private startTimers(): void {
    if (!this.watchTimer) {
      this.watchTimer = setInterval(() => void this.watch(), this.options.watchMs);
      this.watchTimer.unref?.();
    }
    if (!this.pingTimer) {
      this.pingTimer = setInterval(() => {
        for (const channel of this.channels.values()) for (const s of channel.subscribers) s.write(': ping\n\n');
      }, this.options.pingMs);
      this.pingTimer.unref?.();
    }
  }

  private stopTimers(): void {
    if (this.watchTimer) clearInterval(this.watchTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.watchTimer = null;
    this.pingTimer = null;
  }
}
