import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LATEST_BLOCK } from '../helpers/demo-fixture.ts';
import { startExpectingFailure, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

const get = (path: string): Promise<Response> => fetch(`${server.url}${path}`, { redirect: 'manual' });

/** Every script a page would load or run, apart from inert JSON data blocks. */
function scriptsIn(html: string): string[] {
  const tags = html.match(/<script\b[^>]*>/gi) ?? [];
  const preloads = html.match(/<link\b[^>]*rel="modulepreload"[^>]*>/gi) ?? [];
  return [...tags.filter((tag) => !/type="application\/(ld\+)?json"/i.test(tag)), ...preloads];
}

describe('the server', () => {
  it('creates and migrates its database on first start and reports healthy', async () => {
    expect(existsSync(fileURLToPath(server.databaseUrl.replace(/^file:/, 'file://')))).toBe(true);
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // No token has an RPC here: nothing is scheduled, and OPG (no address) has no snapshot yet.
    const body = (await res.json()) as { ok: boolean; snapshotEvery: number; snapshots: { token: string }[] };
    expect(body).toMatchObject({ ok: true, snapshotEvery: 6 * 3600 });
    // Every migration this build carries is applied, counted from the committed journal and the database's ledger.
    const journal = JSON.parse(
      readFileSync(new URL('../../db/migrations/meta/_journal.json', import.meta.url), 'utf8'),
    );
    expect(body).toMatchObject({ migrations: { applied: journal.entries.length, expected: journal.entries.length } });
    expect(body).not.toHaveProperty('ballots');
    expect(body.snapshots).toContainEqual({
      token: 'OPG',
      scheduled: false,
      unscheduledBecause: 'the token file has no contract address',
      block: null,
      takenAt: null,
      ageSeconds: null,
      lastError: null,
      lastErrorAt: null,
      failures: 0,
      nextAttemptAt: null,
      confirmations: 12,
      reorganisedBelow: null,
      problem: null,
    });
    // The operator's side of the token page's "updated by hand": why the demo token is not on a schedule.
    expect(body.snapshots).toContainEqual(
      expect.objectContaining({
        token: 'OPGSIM',
        scheduled: false,
        unscheduledBecause: 'RPC_URL_31337 is not set',
        block: DEMO_LATEST_BLOCK,
        takenAt: expect.stringMatching(/^2026-12-01T/),
      }),
    );
  });

  it.each([
    [{ DATABASE_URL: 'postgres://localhost/x' }, 'DATABASE_URL'],
    [{ SITE_URL: 'nope' }, 'SITE_URL'],
  ])('refuses to start with %j and names the variable', async (env, name) => {
    const { code, output } = await startExpectingFailure(env);
    expect(code).toBe(1);
    expect(output).toContain(name);
    expect(output).not.toContain('listening');
  });
});

describe('pages', () => {
  it.each(['/', '/posts/opg-liquidity-ghost/', '/tags/', '/tags/opg/', '/about/', '/tokens/', '/tokens/opg/'])(
    '%s has a canonical URL, Open Graph and Twitter meta, one h1 and landmarks',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(new RegExp(`<link rel="canonical" href="https?://[^"]+${path.replace(/\//g, '\\/')}"`));
      for (const property of ['og:title', 'og:description', 'og:url', 'og:image', 'og:type']) {
        expect(html).toContain(`property="${property}"`);
      }
      expect(html).toContain('name="twitter:card"');
      expect(html.match(/<h1\b/g)).toHaveLength(1);
      for (const landmark of ['<header', '<main', '<footer', '<nav']) expect(html).toContain(landmark);
    },
  );

  it.each(['/', '/tags/', '/tags/opg/', '/about/', '/tokens/'])('%s ships no JavaScript at all', async (path) => {
    expect(scriptsIn(await (await get(path)).text())).toEqual([]);
  });

  it('marks the article up as an article in its language', async () => {
    const html = await (await get('/posts/opg-liquidity-ghost/')).text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('property="og:type" content="article"');
    expect(html).toContain('property="article:published_time" content="2026-11-18T00:00:00.000Z"');
    expect(html).toContain(
      '<a href="https://x.com/OpenGradient" class="mention" rel="noopener external">@OpenGradient</a>',
    );
    expect(html).toContain('<a href="/tags/opg/" class="hashtag">#OPG</a>');
    expect(html).toContain('aria-labelledby="toc-title"');
    expect(html).toContain('id="poll-opg-liquidity-ghost"');
    expect(html).toContain('/_server-islands/PollIsland');
  });

  it.each(['/posts/does-not-exist/', '/polls/does-not-exist/', '/polls/does-not-exist/embed/'])(
    'answers %s with the 404 page',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('Page not found');
      // Kept out of search, so it names no canonical URL (a 404's would be the missing path or /not-found/).
      expect(html).toContain('<meta name="robots" content="noindex">');
      expect(html).not.toContain('rel="canonical"');
    },
  );

  it('lists the tokens on /tokens/, the simulated one marked, and says plainly which has no data yet', async () => {
    const html = await (await get('/tokens/')).text();
    const card = (symbol: string): string =>
      new RegExp(`data-token="${symbol}">([\\s\\S]*?)</li>`).exec(html)?.[1] ?? '';
    expect(card('OPG')).toContain('No on-chain data yet: the contract address is not public.');
    expect(card('OPGSIM')).toMatch(/class="kicker">Simulated data</);
    expect(card('OPGSIM')).toMatch(/data-latest-snapshot>Latest snapshot 1 Dec 2026</);
  });

  it('publishes RSS and a sitemap that list the article', async () => {
    const rss = await get('/rss.xml');
    expect(rss.status).toBe(200);
    const feed = await rss.text();
    expect(feed).toContain('<title>The liquidity ghost');
    expect(feed).toContain('/posts/opg-liquidity-ghost/</link>');
    // A byline is dc:creator (RSS's <author> takes an e-mail address), and the feed names its own URL.
    expect(feed).not.toContain('<author>');
    expect(feed).toMatch(/<dc:creator>[^<]+<\/dc:creator>/);
    expect(feed).toContain('xmlns:dc="http://purl.org/dc/elements/1.1/"');
    expect(feed).toMatch(/<atom:link href="http:\/\/[^"]+\/rss\.xml" rel="self" type="application\/rss\+xml"\/>/);
    const index = await (await get('/sitemap-index.xml')).text();
    expect(index).toContain('sitemap-0.xml');
    const sitemap = await (await get('/sitemap-0.xml')).text();
    expect(sitemap).toContain('/posts/opg-liquidity-ghost/</loc>');
    expect(sitemap).not.toContain('/api/');
    // Rendered on demand, and still listed: every poll page and token page; never the noindex account page.
    for (const path of ['/polls/opg-liquidity-ghost/', '/polls/opg-distribution-retail/', '/tokens/', '/tokens/opg/']) {
      expect(sitemap).toContain(`${path}</loc>`);
    }
    expect(sitemap).not.toContain('/account/');
  });
});

describe('static delivery', () => {
  it('serves prerendered pages compressed, with validators', async () => {
    const br = await fetch(`${server.url}/posts/opg-liquidity-ghost/`, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(await br.text()).toContain('The liquidity ghost');
    const etag = br.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/posts/opg-liquidity-ghost/');
    expect(again.headers.get('etag')).toBe(etag);
    const notModified = await fetch(`${server.url}/posts/opg-liquidity-ghost/`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(notModified.status).toBe(304);
  });

  it('serves the same page with and without the trailing slash', async () => {
    expect((await get('/about')).status).toBe(200);
    expect((await get('/about/')).status).toBe(200);
  });
});
