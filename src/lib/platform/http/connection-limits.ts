import type { StreamConfig } from '../runtime/config.ts';

/**
 * How many connections the server holds, and how many of them may be live
 * streams, from the process's open-file limit: every socket is a file
 * descriptor, and so are the database's files, the vote writer's, the
 * snapshot child's pipes and Node's own. A process that runs out accepts
 * nothing more and cannot open its database either, so the server stops
 * accepting short of the limit, and streams, which a client can hold for
 * as long as it likes, get at most half of it by default.
 */

/** Descriptors kept for everything but client connections: the database and its WAL, threads, pipes, fonts. */
export const RESERVED_DESCRIPTORS = 128;

export interface ConnectionLimits {
  /** The open-file limit they were worked out from. */
  openFiles: number;
  /** The server's maxConnections: past it, a new connection is closed as soon as it is accepted. */
  maxConnections: number;
  /** Live streams in all. */
  maxStreams: number;
  /** Live streams per client. */
  maxStreamsPerClient: number;
}

/**
 * The limits for a process that may open `openFiles` files, or the one line
 * saying why the configured MAX_STREAMS cannot work.
 *
 * @example connectionLimits({ max: null, perClient: 16, ... }, 1024)
 * // { openFiles: 1024, maxConnections: 896, maxStreams: 512, maxStreamsPerClient: 16 }
 */
export function connectionLimits(streams: StreamConfig, openFiles: number): ConnectionLimits | { problem: string } {
  const maxConnections = Math.max(openFiles - RESERVED_DESCRIPTORS, Math.floor(openFiles / 2));
  const maxStreams = streams.max ?? Math.floor(openFiles / 2);
  if (maxStreams >= maxConnections) {
    return {
      problem:
        `MAX_STREAMS=${maxStreams} leaves no connection for other requests: this process may open ${openFiles} ` +
        `files (ulimit -n) and serves at most ${maxConnections} connections; lower MAX_STREAMS or raise the limit`,
    };
  }
  return { openFiles, maxConnections, maxStreams, maxStreamsPerClient: Math.min(streams.perClient, maxStreams) };
}

/** Why a stream was refused: its client holds its share, or the server holds all it may. */
export type StreamRefusal = 'client' | 'server';

/** A stream let in; `release` gives its place back (once, however often it is called). */
export interface StreamTicket {
  release(): void;
}

/**
 * Counts open live streams per client and in all. A client's count is
 * forgotten when it reaches zero, so a burst of clients leaves nothing
 * behind.
 */
export class StreamGate {
  readonly limits: Pick<ConnectionLimits, 'maxStreams' | 'maxStreamsPerClient'>;
  private total = 0;
  private readonly perClient = new Map<string, number>();

  constructor(limits: Pick<ConnectionLimits, 'maxStreams' | 'maxStreamsPerClient'>) {
    this.limits = limits;
  }

  /** Streams open now. */
  get open(): number {
    return this.total;
  }

  /** Lets a stream of `client` (its rate-limit bucket: see clientBucket) in, or says why not. */
  admit(client: string): StreamTicket | { refused: StreamRefusal } {
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.limits.maxStreamsPerClient) return { refused: 'client' };
    if (this.total >= this.limits.maxStreams) return { refused: 'server' };
    this.perClient.set(client, held + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perClient.get(client) ?? 1) - 1;
        if (left > 0) this.perClient.set(client, left);
        else this.perClient.delete(client);
      },
    };
  }
}
