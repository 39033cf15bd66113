import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedSnippet, pollIdFromUrl } from '../../src/lib/embed/embed.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** Embedding a poll elsewhere: oEmbed, its discovery link, and who may frame what (EMBED_ORIGINS). */

let open: TestServer;
let listed: TestServer;
beforeAll(async () => {
  [open, listed] = await Promise.all([
    startServer({ timeoutMs: 60_000 }),
    startServer({ env: { EMBED_ORIGINS: 'https://blog.example, https://news.example' }, timeoutMs: 60_000 }),
  ]);
});
afterAll(async () => {
  for (const s of [open, listed]) {
    await s?.stop();
    s?.cleanup();
  }
});

const POLL = 'opg-liquidity-ghost';

describe('oEmbed', () => {
  it('answers a rich embed for a poll page, with the frame and its resize script', async () => {
    const page = `${open.url}/polls/${POLL}/`;
    const res = await fetch(`${open.url}/oembed?${new URLSearchParams({ url: page, format: 'json' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      version: '1.0',
      type: 'rich',
      provider_name: 'sentiment-desk',
      provider_url: `${open.url}/`,
      title: 'Which part of the OPG story should we dig into next?',
      width: 640,
      height: expect.any(Number),
    });
    expect(body.html).toBe(
      embedSnippet(open.url, {
        id: POLL,
        question: 'Which part of the OPG story should we dig into next?',
        options: 4,
      }),
    );
    expect(body.html).toContain(`src="${open.url}/polls/${POLL}/embed/"`);
    expect(body.html).toContain(`<script src="${open.url}/embed.js" async></script>`);
    // The embed page's own URL names the same poll.
    const embedUrl = `${open.url}/polls/${POLL}/embed/`;
    const again = await fetch(`${open.url}/oembed?url=${encodeURIComponent(embedUrl)}&maxwidth=400`);
    expect(((await again.json()) as { width: number }).width).toBe(400);
  });

  it.each([
    ['no url', '', 400, 'bad_request'],
    ['another site', `url=${encodeURIComponent('https://elsewhere.example/polls/x/')}`, 404, 'not_found'],
    ['an unknown poll', `url=${encodeURIComponent('{site}/polls/no-such-poll/')}`, 404, 'not_found'],
    ['a page that is not a poll', `url=${encodeURIComponent('{site}/about/')}`, 404, 'not_found'],
    ['format=xml', `url=${encodeURIComponent(`{site}/polls/${POLL}/`)}&format=xml`, 501, 'not_implemented'],
    ['a bad maxwidth', `url=${encodeURIComponent(`{site}/polls/${POLL}/`)}&maxwidth=wide`, 400, 'bad_request'],
  ])('refuses %s with a clear error', async (_, query, status, error) => {
    const res = await fetch(
      `${open.url}/oembed?${query.replaceAll(encodeURIComponent('{site}'), encodeURIComponent(open.url))}`,
    );
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  it('is discoverable from the poll page, which also offers the embed code', async () => {
    const page = await (await fetch(`${open.url}/polls/${POLL}/`)).text();
    const link = /<link[^>]*type="application\/json\+oembed"[^>]*>/.exec(page)?.[0] ?? '';
    expect(link).toContain(
      `href="${open.url}/oembed?url=${encodeURIComponent(`${open.url}/polls/${POLL}/`)}&amp;format=json"`,
    );
    expect(page).toContain('Embed this poll on your site');
    expect(page).toContain('&lt;iframe src=&quot;');
  });

  it('reads poll ids only from this site’s poll and embed pages', () => {
    expect(pollIdFromUrl('http://a.test/polls/p-1/', 'http://a.test')).toBe('p-1');
    expect(pollIdFromUrl('http://a.test/polls/p-1/embed/', 'http://a.test')).toBe('p-1');
    expect(pollIdFromUrl('http://b.test/polls/p-1/', 'http://a.test')).toBeNull();
    expect(pollIdFromUrl('http://a.test/polls/p-1/card.png', 'http://a.test')).toBeNull();
    expect(pollIdFromUrl('not a url', 'http://a.test')).toBeNull();
  });
});

describe('who may frame the embed page', () => {
  /** The frame policy among a page's policies (Astro's comes first, with its hashes). */
  const frameAncestors = async (server: TestServer, path: string) =>
    ((await fetch(`${server.url}${path}`)).headers.get('content-security-policy') ?? '')
      .split(/,\s*/)
      .filter((policy) => policy.startsWith('frame-ancestors'));

  it('lets any site frame it by default, and only the listed origins with EMBED_ORIGINS', async () => {
    expect(await frameAncestors(open, `/polls/${POLL}/embed/`)).toEqual(['frame-ancestors *']);
    expect(await frameAncestors(open, `/zh/polls/${POLL}/embed/`)).toEqual(['frame-ancestors *']);
    expect(await frameAncestors(listed, `/polls/${POLL}/embed/`)).toEqual([
      "frame-ancestors 'self' https://blog.example https://news.example",
    ]);
  });

  it('leaves every other page to this site alone: the poll page, a post, the home page', async () => {
    for (const path of [`/polls/${POLL}/`, '/posts/opg-liquidity-ghost/', '/', '/tokens/opg/', '/zh/']) {
      expect(await frameAncestors(listed, path), path).toEqual(["frame-ancestors 'self'"]);
    }
  });
});
