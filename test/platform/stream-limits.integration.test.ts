import { get, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { serverForTests, startExpectingFailure, startServer } from '../helpers/server.ts';

/**
 * Connections one client cannot exhaust: live streams capped per client and
 * in all, each with a lifetime, slow request heads cut off, and the limits
 * worked out from the open-file limit that `npm run serve` raises.
 * Clients at other addresses bind 127.0.0.2 and up, which are loopback on Linux.
 */

const POLL = 'opg-distribution-retail';
const OTHER_POLL = 'opg-liquidity-ghost';

interface Opened {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body so far. */
  text(): string;
  /** Resolves once the body has matched `pattern`. */
  until(pattern: RegExp): Promise<void>;
  /** Resolves when the response has ended or the connection closed. */
  ended: Promise<void>;
  /** Resolves when the connection has closed. */
  socketClosed: Promise<void>;
  close(): void;
}

const open: Opened[] = [];

/** GET `path` on a connection of its own from `localAddress`, resolved with the head; the body keeps arriving. */
function request(base: string, path: string, localAddress = '127.0.0.1'): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = get(
      `${base}${path}`,
      { agent: false, localAddress, headers: { accept: 'text/event-stream' } },
      (res) => {
        let text = '';
        const waiters: (() => void)[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          waiters.splice(0).forEach((wake) => wake());
        });
        const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
        const ended = new Promise<void>((done) => res.once('close', () => done()));
        const opened: Opened = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: () => text,
          async until(pattern) {
            while (!pattern.test(text)) await new Promise<void>((wake) => waiters.push(wake));
          },
          ended,
          socketClosed,
          close: () => req.destroy(),
        };
        open.push(opened);
        resolve(opened);
      },
    );
    req.on('error', reject);
  });
}

/**
 * A stream that was let in, once its first tally has arrived. The server sees an earlier test's streams close
 * a moment after they do, so a refusal is asked again until their places are free.
 */
async function stream(base: string, localAddress = '127.0.0.1', path = `/api/polls/${POLL}/events`): Promise<Opened> {
  let opened: Opened | null = null;
  await expect
    .poll(async () => {
      opened = await request(base, path, localAddress);
      if (opened.status !== 200) await opened.ended;
      return opened.status;
    })
    .toBe(200);
  const admitted = opened as unknown as Opened;
  await admitted.until(/event: tally/);
  return admitted;
}

afterEach(() => {
  for (const opened of open.splice(0)) opened.close();
});

describe('live streams, capped per client and in all', () => {
  const env = serverForTests({
    env: { MAX_STREAMS: '3', MAX_STREAMS_PER_CLIENT: '2', STREAM_FALLBACK_EVERY: '7s' },
  });

  it('refuses a client its third stream with 429, Retry-After and a reason, and closes the connection', async () => {
    const base = env.server.url;
    await stream(base);
    await stream(base);
    const refused = await request(base, `/api/polls/${POLL}/events`);
    await refused.ended;
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.text())).toEqual({
      error: 'too_many_streams',
      message: expect.stringContaining('2 live streams'),
      refreshEvery: 7,
    });
    await refused.socketClosed;
    // The same client's ordinary requests are still answered while it holds its streams.
    const results = await request(base, `/api/polls/${POLL}`);
    await results.ended;
    expect(results.status).toBe(200);
    expect(JSON.parse(results.text())).toMatchObject({ id: POLL });
  });

  it('refuses any client with 503 once the server holds MAX_STREAMS, and lets one in when a stream ends', async () => {
    const base = env.server.url;
    const first = await stream(base, '127.0.0.1');
    await stream(base, '127.0.0.1');
    await stream(base, '127.0.0.2');
    const refused = await request(base, `/api/polls/${POLL}/events`, '127.0.0.3');
    await refused.ended;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(JSON.parse(refused.text())).toMatchObject({ error: 'too_many_streams' });
    await refused.socketClosed;
    // A page from a third address still loads.
    const page = await request(base, `/polls/${POLL}/`, '127.0.0.3');
    await page.ended;
    expect(page.status).toBe(200);

    first.close();
    // The server sees the close a moment later; until then the place is still taken.
    await expect
      .poll(async () => {
        const attempt = await request(base, `/api/polls/${POLL}/events`, '127.0.0.3');
        if (attempt.status !== 200) await attempt.ended;
        else await attempt.until(/event: tally/);
        return attempt.status;
      })
      .toBe(200);
  });

  it('carries several polls on one stream, and gives the place back after a refusal for a bad request', async () => {
    const base = env.server.url;
    const unknown = await request(base, `/api/polls/${POLL}/events?also=no-such-poll`);
    await unknown.ended;
    expect(unknown.status).toBe(404);
    const tooMany = await request(
      base,
      `/api/polls/${POLL}/events?also=${Array.from({ length: 10 }, (_, i) => `p${i}`).join(',')}`,
    );
    await tooMany.ended;
    expect(tooMany.status).toBe(400);
    // Neither answer kept a place: this client still opens both of its streams.
    const both = await stream(base, '127.0.0.1', `/api/polls/${POLL}/events?also=${OTHER_POLL}`);
    await both.until(new RegExp(`"id":"${OTHER_POLL}"`));
    expect(both.text()).toContain(`"id":"${POLL}"`);
    await stream(base);
  });
});

describe('stream lifetime and slow request heads', () => {
  const env = serverForTests({ env: { STREAM_LIFETIME: '2s', MAX_STREAMS_PER_CLIENT: '1' } });

  it('ends a stream after its lifetime with a reconnect hint, and gives its place back', async () => {
    const base = env.server.url;
    const first = await stream(base);
    await first.ended;
    // The last thing on the stream tells the client when to come back.
    expect(first.text().trimEnd().split('\n\n').at(-1)).toBe('retry: 3000');
    await expect
      .poll(async () => {
        const next = await request(base, `/api/polls/${POLL}/events`);
        if (next.status === 200) next.close();
        else await next.ended;
        return next.status;
      })
      .toBe(200);
  });

  it('closes a connection whose request head never ends, while serving other requests', async () => {
    const base = env.server.url;
    const socket = connect({ host: '127.0.0.1', port: env.server.port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.write(`GET /api/polls/${POLL} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    // A header line every second, never the blank line that ends the head.
    let line = 0;
    const dribble = setInterval(() => socket.write(`X-Slow-${line++}: 1\r\n`), 1000);
    let served = 0;
    let done = false;
    void closed.then(() => (done = true));
    try {
      while (!done) {
        const answer = await request(base, `/api/polls/${POLL}`);
        await answer.ended;
        expect(answer.status).toBe(200);
        served++;
        await new Promise((wait) => setTimeout(wait, 500));
      }
    } finally {
      clearInterval(dribble);
      socket.destroy();
    }
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(served).toBeGreaterThan(0);
  }, 30_000);
});

describe('limits from the open-file limit', () => {
  it('npm run serve raises the soft limit to the hard one, and derives its connection limits from it', async () => {
    const hard = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    const raised = await startServer({ before: 'ulimit -Sn 512' });
    try {
      expect(raised.output()).toContain(`open-file limit ${hard}:`);
    } finally {
      await raised.stop();
      raised.cleanup();
    }
    // With a hard limit of 1,000: 128 descriptors kept back, half for streams by default.
    const low = await startServer({ before: 'ulimit -n 1000' });
    try {
      expect(low.output()).toContain('open-file limit 1000: up to 872 connections, 500 live streams (16 per client)');
    } finally {
      await low.stop();
      low.cleanup();
    }
  });

  it('refuses to start when MAX_STREAMS would leave no connection for other requests', async () => {
    const { code, output } = await startExpectingFailure({ MAX_STREAMS: '900' }, undefined, 'ulimit -n 1000');
    expect(code).toBe(1);
    expect(output).toContain('MAX_STREAMS=900 leaves no connection for other requests');
  });
});
