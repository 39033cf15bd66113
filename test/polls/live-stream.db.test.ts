import { SiteOrigin } from '../../src/lib/platform/http/site-origin.ts';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isStreamResult,
  streamResponse,
  type StreamResult,
  type StreamSink,
} from '../../src/lib/platform/http/results.ts';
import { loadPollDefinitions } from '../../src/lib/polls/definitions.server.ts';
import { openPollStream } from '../../src/lib/polls/http/live-stream.server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { readServerConfig } from '../../src/lib/platform/runtime/config.ts';
import { createServices, type Services } from '../../src/app/services.server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * What a live stream holds, on a real database: a place at the gate and a
 * subscription per poll, all given back however the stream ends (the client
 * going, its lifetime, a reader that stops reading, shutdown).
 */

const POLLS = fileURLToPath(new URL('../fixtures/polls/', import.meta.url));
const READER = { voterId: null, address: null, clientAddress: '127.0.0.1', now: Date.now() };

let temp: Awaited<ReturnType<typeof tempDatabase>>;

beforeAll(async () => {
  temp = await tempDatabase();
  await syncPollDefinitions(temp.db, loadPollDefinitions(POLLS));
});

afterAll(() => temp.dispose());

function services(env: Record<string, string> = {}): Services {
  const config = readServerConfig({ MAX_STREAMS: '4', MAX_STREAMS_PER_CLIENT: '2', ...env });
  return createServices(temp.db, config, { site: SiteOrigin.local(4321) });
}

/** A sink that keeps what is written; `unread` is what the client has left unread. */
function sink(unread = 0): StreamSink & { text: string; ended: boolean } {
  const state = {
    text: '',
    ended: false,
    write: (chunk: string) => void (state.text += chunk),
    end: () => void (state.ended = true),
    backlog: () => unread,
  };
  return state;
}

async function opened(s: Services, also: string | null = null): Promise<StreamResult> {
  const result = await openPollStream(s, 'open-single', also, READER);
  if (!isStreamResult(result)) throw new Error(`refused: ${result.status} ${result.body}`);
  return result;
}

describe('a live stream', () => {
  it('gives back its place and every subscription when the client goes', async () => {
    const s = services();
    const one = (await opened(s, 'open-multi,closed')).start(sink());
    const two = (await opened(s)).start(sink());
    expect(s.streams.open).toBe(2);
    expect(s.hub.subscriberCount()).toBe(4);
    const refused = await openPollStream(s, 'open-single', null, READER);
    expect(refused).toMatchObject({ status: 429 });
    one();
    one();
    two();
    expect(s.streams.open).toBe(0);
    expect(s.hub.subscriberCount()).toBe(0);
  });

  it('starts with the retry hint and one tally per poll', async () => {
    const s = services();
    const out = sink();
    const stop = (await opened(s, 'open-multi')).start(out);
    expect(out.text.startsWith('retry: 3000\n\n')).toBe(true);
    expect([...out.text.matchAll(/"id":"([a-z-]+)","question"/g)].map((m) => m[1])).toEqual([
      'open-single',
      'open-multi',
    ]);
    stop();
  });

  it('drops a reader that leaves more than 64 KB unread at the next event, and gives everything back', async () => {
    const s = services();
    const out = sink(65 * 1024);
    (await opened(s)).start(out);
    s.hub.notify('open-single');
    await expect.poll(() => out.ended).toBe(true);
    expect(s.streams.open).toBe(0);
    expect(s.hub.subscriberCount()).toBe(0);
  });

  it('ends after its lifetime with the retry hint last', async () => {
    const s = services({ STREAM_LIFETIME: '1s' });
    const out = sink();
    (await opened(s)).start(out);
    await expect.poll(() => out.ended, { timeout: 5000 }).toBe(true);
    expect(out.text.endsWith('\n\nretry: 3000\n\n')).toBe(true);
    expect(s.streams.open).toBe(0);
    expect(s.hub.subscriberCount()).toBe(0);
  });

  it('ends at shutdown, and a stream opened during it ends at once', async () => {
    const s = services();
    const out = sink();
    (await opened(s)).start(out);
    s.hub.closeAll(3000);
    expect(out.ended).toBe(true);
    const late = sink();
    (await opened(s)).start(late);
    expect(late.ended).toBe(true);
    expect(s.streams.open).toBe(0);
  });

  it('served as a web Response (astro dev), stops when the request is aborted', async () => {
    const s = services();
    const controller = new AbortController();
    const response = streamResponse(await opened(s), controller.signal);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    expect(first).toBe('retry: 3000\n\n');
    expect(s.streams.open).toBe(1);
    controller.abort();
    expect(s.streams.open).toBe(0);
    expect(s.hub.subscriberCount()).toBe(0);
  });
});
