/**
 * `npm run bench`: throughput and latency of the built site, each figure
 * beside a yardstick measured in the same run on the same machine.
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../test/helpers/server.ts';
import { BENCH_SECONDS, load, printTable, saveResults } from './lib.ts';

const ARTICLE = '/posts/opg-liquidity-ghost/';
const CONNECTIONS = 50;

async function startBaseline(file: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['scripts/bench/static-baseline.ts', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)\//.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const server = await startServer();
const html = Buffer.from(await (await fetch(`${server.url}${ARTICLE}`)).arrayBuffer());
const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'article.html');
writeFileSync(file, html);
const baseline = await startBaseline(file);

try {
  console.log(`article page: ${html.length} bytes, ${CONNECTIONS} connections, ${BENCH_SECONDS}s each\n`);
  // A short warm-up so neither side is measured while its JIT is cold.
  await load({ name: 'warm-up', url: `${server.url}${ARTICLE}`, connections: 10, seconds: 2 });
  const site = await load({
    name: 'site: article page',
    url: `${server.url}${ARTICLE}`,
    connections: CONNECTIONS,
    seconds: BENCH_SECONDS,
  });
  const bare = await load({
    name: 'bare node:http, same bytes',
    url: `${baseline.url}/`,
    connections: CONNECTIONS,
    seconds: BENCH_SECONDS,
  });
  printTable([site, bare]);
  const ratio = site.requestsPerSecond / bare.requestsPerSecond;
  console.log(
    `\narticle page throughput is ${(ratio * 100).toFixed(0)}% of a bare node:http server (ratio ${ratio.toFixed(2)})`,
  );
  saveResults('article', { date: new Date().toISOString(), bytes: html.length, site, bare, ratio });
} finally {
  baseline.stop();
  await server.stop();
  server.cleanup();
}
