/**
 * The yardstick for the article benchmark: a bare node:http server that
 * answers every request with the same bytes the site serves for the article,
 * its headers (a JSON list of [name, value], argv[3]) as well as its body.
 * Run as its own process so it gets a core of its own like the real server.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.argv[2] ?? '');
const headers = process.argv[3]
  ? (JSON.parse(readFileSync(process.argv[3], 'utf8')) as [string, string][])
  : [['content-type', 'text/html; charset=utf-8']];
// writeHead takes names and values in one flat list.
const raw = [...headers, ['content-length', String(body.length)]].flat();
const server = createServer((_req, res) => {
  res.writeHead(200, raw);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
