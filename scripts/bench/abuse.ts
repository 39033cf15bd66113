/**
 * `npm run bench -- abuse`: what one client can do to an instance with
 * connections. First with the default limits, 2,000 streams asked for at
 * once from one address: how many are let in, and whether an ordinary
 * request is still answered. Then with MAX_STREAMS_PER_CLIENT raised past
 * them, 2,000 streams held: an ordinary request while they are, and the
 * server's resident memory before, during and 30 s after (goal: within 10%
 * of before).
 */
import { request } from 'node:http';
import { startServer, type TestServer } from '../../test/helpers/server.ts';
import { envCount, saveResults } from './lib.ts';
import { rssMb } from './scale.ts';

const POLL = 'opg-distribution-retail';
const AFTER_MS = 30_000;

interface Attempt {
  status: number;
  close(): void;
}

/** How long an attempt may wait for its answer before it counts as failed (0). */
const ANSWER_MS = 30_000;

/**
 * Asks for a stream on a connection of its own; resolves with the status once the head (and for a stream, its first
 * tally) arrived, or 0 without an answer in time.
 */
function askStream(base: string): Promise<Attempt> {
  return new Promise((done) => {
    const timer = setTimeout(() => done({ status: 0, close: () => req.destroy() }), ANSWER_MS);
    const resolve = (attempt: Attempt): void => {
      clearTimeout(timer);
      done(attempt);
    };
    const req = request(
      `${base}/api/polls/${POLL}/events`,
      { agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        const attempt = { status: res.statusCode ?? 0, close: () => req.destroy() };
        res.setEncoding('utf8');
        if (attempt.status !== 200) {
          res.resume();
          return resolve(attempt);
        }
        let text = '';
        const onData = (chunk: string): void => {
          text += chunk;
          if (!text.includes('event: tally')) return;
          res.off('data', onData);
          res.resume();
          resolve(attempt);
        };
        res.on('data', onData);
      },
    );
    req.on('error', () => resolve({ status: 0, close: () => req.destroy() }));
    req.end();
  });
}

/** One ordinary request, on a fresh connection: its status and how long it took. */
async function ordinary(base: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${base}/api/polls/${POLL}`, { headers: { connection: 'close' } });
  await response.arrayBuffer();
  return { status: response.status, ms: Math.round(performance.now() - started) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withServer<T>(env: Record<string, string>, run: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await startServer({ env });
  try {
    return await run(server);
  } finally {
    await server.stop();
    server.cleanup();
  }
}

export async function benchAbuse(): Promise<void> {
  const count = envCount('BENCH_STREAMS', 2000);
  console.log(`\n## abuse: ${count.toLocaleString('en-US')} live streams from one client`);

  const capped = await withServer({}, async (server) => {
    const attempts = await Promise.all(Array.from({ length: count }, () => askStream(server.url)));
    const request = await ordinary(server.url);
    for (const a of attempts) a.close();
    const by = (status: number): number => attempts.filter((a) => a.status === status).length;
    return { admitted: by(200), refused429: by(429), refused503: by(503), failed: by(0), ordinary: request };
  });
  console.log(
    `default limits: ${capped.admitted} streams let in, ${capped.refused429} refused with 429, ` +
      `${capped.refused503} with 503, ${capped.failed} without an answer; ordinary request ${capped.ordinary.status} ` +
      `in ${capped.ordinary.ms} ms`,
  );

  const held = await withServer({ MAX_STREAMS_PER_CLIENT: String(count) }, async (server) => {
    // Warm: the stream path's code compiled and a quiet spell collected, as on an instance that has served streams.
    const warm = await Promise.all(Array.from({ length: 50 }, () => askStream(server.url)));
    for (const a of warm) a.close();
    await ordinary(server.url);
    await sleep(15_000);
    const rssBefore = rssMb(server.pid);
    const attempts = await Promise.all(Array.from({ length: count }, () => askStream(server.url)));
    await sleep(2000);
    const rssDuring = rssMb(server.pid);
    const request = await ordinary(server.url);
    for (const a of attempts) a.close();
    await sleep(AFTER_MS);
    const rssAfter = rssMb(server.pid);
    return {
      admitted: attempts.filter((a) => a.status === 200).length,
      ordinary: request,
      rssBeforeMb: rssBefore,
      rssDuringMb: rssDuring,
      rssAfterMb: rssAfter,
      afterVsBefore: Math.round((rssAfter / rssBefore) * 1000) / 1000,
    };
  });
  console.log(
    `MAX_STREAMS_PER_CLIENT=${count}: ${held.admitted} streams held; ordinary request ${held.ordinary.status} in ` +
      `${held.ordinary.ms} ms; RSS ${held.rssBeforeMb} MB before, ${held.rssDuringMb} MB with the streams, ` +
      `${held.rssAfterMb} MB ${AFTER_MS / 1000} s after they ended (${Math.round((held.afterVsBefore - 1) * 100)}% ` +
      `of before; goal: within 10%)`,
  );
  saveResults('abuse', { date: new Date().toISOString(), streams: count, capped, held });
  if (
    capped.ordinary.status !== 200 ||
    held.ordinary.status !== 200 ||
    held.admitted !== count ||
    Math.abs(held.afterVsBefore - 1) > 0.1
  ) {
    process.exitCode = 1;
  }
}
