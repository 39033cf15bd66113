import { problemResult, type ApiResult, type StreamResult, type StreamSink } from '../../platform/http/results.ts';
import type { StreamRefusal, StreamTicket } from '../../platform/http/connection-limits.ts';
import { clientBucket } from '../../platform/http/forwarded.ts';
import type { PollStreamDeps } from '../deps.ts';
import { sseEvent } from '../live.server.ts';
import type { PollRecord } from '../records.ts';
import { getPollForReader, type Reader } from '../store/reads.server.ts';
import type { PollResults } from '../results.ts';

/**
 * GET /api/polls/<id>/events[?also=<id>,<id>]: one poll's live results, or
 * several polls' on one stream (a page with several polls opens one, see
 * poll-live.client.ts). A stream takes a place at the StreamGate, per client
 * and in all, and gives it back when it ends: when the client goes, when
 * its lifetime runs out, when the client stops reading, or at shutdown.
 */

/** Clients reconnect this long after a stream ends (EventSource's `retry:`). */
export const RETRY_MS = 3000;
/** Polls one stream may follow: each is a subscription of its own, so a stream's cost stays bounded. */
export const MAX_POLLS_PER_STREAM = 10;
/**
 * A reader that has left this much of its stream unread is dropped (it
 * reconnects and gets the current tally): otherwise a client that never
 * reads makes the server hold every event written to it for the stream's life.
 */
const MAX_BACKLOG_BYTES = 64 * 1024;
/**
 * Seconds a refused client waits before asking again: a client at its own
 * cap frees a place only as one of its streams ends; a full server, as any does.
 */
const RETRY_AFTER_SECONDS: Record<StreamRefusal, number> = { client: 60, server: 30 };
const POLL_ID = /^[a-z0-9-]{1,100}$/;
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
};

export type StreamServices = PollStreamDeps;

/** Opens the stream, or answers why not: 400 for bad ids, 429 or 503 when refused a place, 404 for an unknown poll. */
export async function openPollStream(
  services: StreamServices,
  pollId: string,
  also: string | null,
  reader: Reader & { clientAddress: string; now: number },
): Promise<ApiResult | StreamResult> {
  const ids = [...new Set([pollId, ...(also ? also.split(',') : [])])];
  if (ids.length > MAX_POLLS_PER_STREAM) {
    return problemResult(400, 'bad_request', `One stream follows at most ${MAX_POLLS_PER_STREAM} polls.`);
  }
  if (!ids.every((id) => POLL_ID.test(id))) {
    return problemResult(400, 'bad_request', 'The "also" parameter lists poll ids, separated by commas.');
  }
  // A place first: a refusal costs no database read.
  const ticket = services.streams.admit(clientBucket(reader.clientAddress));
  if ('refused' in ticket) return refusal(services, ticket.refused);
  let found: ({ poll: PollRecord; results: PollResults } | null)[];
  try {
    found = await Promise.all(ids.map((id) => getPollForReader(services.db, id, reader, reader.now)));
  } catch (error) {
    ticket.release();
    throw error;
  }
  const polls = found.filter((f) => f !== null);
  if (polls.length < ids.length) {
    ticket.release();
    return problemResult(404, 'not_found', `There is no poll "${ids[found.indexOf(null)]}".`);
  }
  return { status: 200, headers: SSE_HEADERS, start: (sink) => stream(services, polls, ticket, sink) };
}

function refusal(services: StreamServices, reason: StreamRefusal): ApiResult {
  const { maxStreams, maxStreamsPerClient } = services.streams.limits;
  const refreshEvery = Math.max(1, Math.round(services.config.streams.fallbackEveryMs / 1000));
  const retryAfter = RETRY_AFTER_SECONDS[reason];
  const instead = `re-read the results every ${refreshEvery} s instead and try a stream again in ${retryAfter} s.`;
  const message =
    reason === 'client'
      ? `Your network already holds ${maxStreamsPerClient} live streams, as many as one client may: ${instead}`
      : `The server holds as many live streams as it may (${maxStreams}): ${instead}`;
  // `Connection: close`: a refused client keeps nothing open here.
  return problemResult(
    reason === 'client' ? 429 : 503,
    'too_many_streams',
    message,
    { refreshEvery },
    { 'retry-after': String(retryAfter), connection: 'close' },
  );
}

/** Writes the current tallies, follows each poll, ends after the lifetime; returns what to call when the client goes. */
function stream(
  services: StreamServices,
  polls: readonly { poll: PollRecord; results: PollResults }[],
  ticket: StreamTicket,
  sink: StreamSink,
): () => void {
  let stopped = false;
  const unsubscribes: (() => void)[] = [];
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const unsubscribe of unsubscribes) unsubscribe();
    unsubscribes.length = 0;
    ticket.release();
  };
  const finish = (): void => {
    if (stopped) return;
    stop();
    sink.end();
  };
  const write = (chunk: string): void => {
    if (stopped) return;
    if (sink.backlog() > MAX_BACKLOG_BYTES) return finish();
    sink.write(chunk);
  };
  // Streams opened together end apart: up to a fifteenth more at random (0-60 s at 15 minutes), in whole
  // seconds so that the timers share Node's per-duration lists.
  const lifetime = services.config.streams.lifetimeMs;
  const timer = setTimeout(
    () => {
      write(`retry: ${RETRY_MS}\n\n`);
      finish();
    },
    lifetime + Math.round((Math.random() * lifetime) / 15 / 1000) * 1000,
  );
  sink.write(`retry: ${RETRY_MS}\n\n`);
  for (const { results } of polls) sink.write(sseEvent('tally', results));
  for (const { poll, results } of polls) {
    // A draining hub closes a new subscriber at once.
    if (stopped) break;
    const subscriber = { hasVoted: results.myVote !== null, write, close: finish };
    unsubscribes.push(services.hub.subscribe(poll.id, subscriber, poll.version));
  }
  return stop;
}
