import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCopy } from '../helpers/build-copy.ts';
import { freePort } from '../helpers/ports.ts';
import { startExpectingFailure, startServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * A build's static pages carry its SITE_URL (canonical, og, RSS, sitemap), so
 * the build records it in dist/build-info.json and a server started with
 * another refuses, as it does for DEMO. This file builds a copy of the
 * project with a SITE_URL of its own.
 */

let copy: string;
let port: number;
let site: string;
let dir: string;

beforeAll(async () => {
  port = await freePort();
  site = `http://127.0.0.1:${port}`;
  dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-site-db-'));
  copy = await buildCopy('sentiment-desk-site-', { SITE_URL: site });
}, 180_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const canonicalOf = (html: string): string | undefined => /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1];

describe('a build made with SITE_URL', () => {
  it('records it in dist/build-info.json', () => {
    expect(JSON.parse(readFileSync(join(copy, 'dist/build-info.json'), 'utf8'))).toEqual({ demo: true, siteUrl: site });
  });

  it('is served with the same SITE_URL in production: every page on that origin, sign-in on it', async () => {
    const server = await startServer({
      root: copy,
      env: { SITE_URL: site, PORT: String(port), NODE_ENV: 'production' },
    });
    try {
      // A prerendered page (the build's origin) and one rendered on demand (the server's) agree.
      for (const path of ['/about/', '/tokens/opg/']) {
        expect(canonicalOf(await (await fetch(`${server.url}${path}`)).text()), path).toBe(`${site}${path}`);
      }
      expect(await signIn(server.url, newAccount())).toMatch(/^session=/);
      expect(server.output()).not.toContain('local mode');
    } finally {
      await server.stop();
      server.cleanup();
    }
  });

  // The build's SITE_URL is known only once the copy is built, hence a sentence to finish.
  const refusal = (running: string) => (built: string) =>
    `SITE_URL=${running}, but dist/ was built with SITE_URL=${built}: ` +
    'build again with the same SITE_URL (npm start builds), or start with the build’s';

  it.each([
    ['another SITE_URL', { SITE_URL: 'https://desk.example' }, refusal('https://desk.example')],
    ['no SITE_URL', {}, refusal('(not set)')],
  ])('refuses to start with %s, in one line', async (_name, env: Record<string, string>, line) => {
    const { code, output } = await startExpectingFailure({ DATABASE_URL: `file:${join(dir, 'x.db')}`, ...env }, copy);
    expect(code).toBe(1);
    expect(output).toBe(`sentiment-desk: ${line(site)}\n`);
  });
});
