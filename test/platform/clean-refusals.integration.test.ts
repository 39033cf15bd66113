import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http.ts';
import { serverForTests } from '../helpers/server.ts';
import { allowedMethods, ROUTABLE_METHODS, type RouteEntry } from '../../src/lib/platform/http/routes.ts';

const ctx = serverForTests();

/** Sends raw bytes and resolves with everything the server wrote before it closed the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** The lines the server has logged since `from` (an offset into its output). */
function linesSince(from: number): string[] {
  return ctx.server.output().slice(from).split('\n').filter(Boolean);
}

/** Waits for the server's output to settle (logging is asynchronous to the answer). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

describe('methods the site does not serve', () => {
  it('answers TRACE with a 405 naming the methods, logging one line for many requests and no stack trace', async () => {
    const from = ctx.server.output().length;
    for (let i = 0; i < 5; i++) {
      const res = await rawRequest(`${ctx.server.url}/posts/opg-liquidity-ghost/`, { method: 'TRACE' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(JSON.parse(res.body)).toMatchObject({ error: 'method_not_allowed' });
    }
    const health = await rawRequest(`${ctx.server.url}/api/health`, { method: 'TRACE' });
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD, OPTIONS');
    await settle();
    const lines = linesSince(from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('refused TRACE /posts/opg-liquidity-ghost/ (405');
    expect(ctx.server.output()).not.toMatch(/TRACE' HTTP method is unsupported|\n\s+at /);
  });

  it('answers TRACK, which Node does not parse, with a 405 too', async () => {
    const answer = await rawExchange(ctx.server.port, 'TRACK / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answer).toContain(`Allow: ${ROUTABLE_METHODS.join(', ')}`);
    expect(answer).toContain('"error":"method_not_allowed"');
  });

  it('closes a CONNECT without an answer', async () => {
    const answer = await rawExchange(
      ctx.server.port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(answer).toBe('');
  });

  it('answers a method an endpoint does not export with a JSON 405, for every endpoint of the build', async () => {
    const routes = JSON.parse(readFileSync(new URL('../../dist/routes.json', import.meta.url), 'utf8')) as RouteEntry[];
    const endpoints = routes.filter((r) => r.kind === 'endpoint' && !r.prerendered && r.pattern.startsWith('/api/'));
    expect(endpoints.length).toBeGreaterThan(15);
    for (const route of endpoints) {
      const path = route.pattern.replaceAll(/\[[^\]]+\]/g, 'x');
      const allow = allowedMethods(route);
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allow.includes(m))) {
        const res = await rawRequest(`${ctx.server.url}${path}`, { method, headers: { origin: ctx.server.url } });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.allow, `${method} ${path}`).toBe(allow.join(', '));
        expect(res.headers['content-type']).toContain('application/json');
      }
      const options = await rawRequest(`${ctx.server.url}${path}`, { method: 'OPTIONS' });
      expect(options.status, `OPTIONS ${path}`).toBe(204);
      expect(options.headers.allow).toBe(allow.join(', '));
    }
  });

  it('answers GET and PUT on the votes endpoint with a JSON 405 instead of the 404 page', async () => {
    for (const method of ['GET', 'PUT']) {
      const res = await rawRequest(`${ctx.server.url}/api/polls/opg-liquidity-ghost/votes`, {
        method,
        headers: { origin: ctx.server.url },
      });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST, OPTIONS');
      expect(JSON.parse(res.body).message).toBe(
        'This address does not take ' + method + ' requests; it takes POST, OPTIONS.',
      );
    }
  });

  it('still serves the methods routes take', async () => {
    expect((await rawRequest(`${ctx.server.url}/polls/opg-liquidity-ghost/`)).status).toBe(200);
    expect((await rawRequest(`${ctx.server.url}/api/polls/opg-liquidity-ghost`, { method: 'HEAD' })).status).toBe(200);
    expect((await rawRequest(`${ctx.server.url}/no/such/page/`)).status).toBe(404);
  });
});

describe('what a request carries into the log', () => {
  it('writes a CR/LF in a path parameter escaped, on one line', async () => {
    const from = ctx.server.output().length;
    const res = await rawRequest(`${ctx.server.url}/api/tokens/x%0d%0aFORGED%20LINE/snapshots`);
    expect(res.status).toBe(404);
    await settle();
    const logged = ctx.server.output().slice(from);
    expect(logged).not.toMatch(/(^|\n)FORGED LINE/i);
    // Whatever mentions it does so on one line, the line break written as an escape.
    for (const line of logged.split('\n').filter((l) => /forged/i.test(l))) expect(line).toMatch(/\\r\\nforged/i);
  });

  it('answers a malformed percent-encoding with a 400, logged at most once a minute', async () => {
    const from = ctx.server.output().length;
    for (const path of ['/api/tokens/%E0%A4%A/snapshots', '/posts/%zz/', '/%E0%A4%A8%', '/zh/polls/%zz/']) {
      const res = await rawRequest(`${ctx.server.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body)).toEqual({
        error: 'bad_request',
        message: 'The address has a malformed percent-encoding.',
      });
    }
    await settle();
    const lines = linesSince(from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('(400: encoding)');
    expect(lines[0]).not.toContain('[ERROR]');
  });
});
