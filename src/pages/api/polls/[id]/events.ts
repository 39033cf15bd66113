import type { APIRoute } from 'astro';
import { problem } from '../../../../lib/http';
import { getPollForReader } from '../../../../lib/polls/repo.server';
import { getDb, getLiveHub } from '../../../../lib/server/app.server';
import { sseEvent } from '../../../../lib/polls/live.server';

export const prerender = false;

/** Clients reconnect this long after a dropped stream. */
const RETRY_MS = 3000;

export const GET: APIRoute = async ({ params, locals, request }) => {
  const found = await getPollForReader(await getDb(), params.id ?? '', locals, Date.now());
  if (!found) return problem(404, 'not_found', `There is no poll "${params.id}".`);
  const { poll, results } = found;
  const hub = await getLiveHub();
  const encoder = new TextEncoder();
  let unsubscribe = (): void => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (chunk: string): void => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          unsubscribe();
        }
      };
      write(`retry: ${RETRY_MS}\n\n`);
      write(sseEvent('tally', results));
      const close = (): void => {
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      unsubscribe = hub.subscribe(poll.id, { hasVoted: results.myVote !== null, write, close }, poll.version);
      request.signal.addEventListener('abort', close);
    },
    cancel() {
      unsubscribe();
    },
  });

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
};
