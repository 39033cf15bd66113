import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCardPath } from '../../src/lib/cards/urls.ts';
import { pngSize } from '../helpers/png.ts';
import { FIXTURE_POLLS, vote } from '../helpers/polls.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * Share cards on the built site: one prerendered Open Graph image per post,
 * and each poll's live card, redrawn at most once per POLL_CARD_TTL and
 * keeping hidden results hidden.
 */

const OG_DIR = fileURLToPath(new URL('../../dist/client/og/posts/', import.meta.url));

// `fresh` redraws a card a second after drawing it; `kept` keeps it for an hour.
let fresh: TestServer;
let kept: TestServer;
beforeAll(async () => {
  [fresh, kept] = await Promise.all([
    startServer({ env: { POLLS_DIR: FIXTURE_POLLS, POLL_CARD_TTL: '1' }, timeoutMs: 60_000 }),
    startServer({ env: { POLLS_DIR: FIXTURE_POLLS, POLL_CARD_TTL: '3600' }, timeoutMs: 60_000 }),
  ]);
});
afterAll(async () => {
  for (const s of [fresh, kept]) {
    await s?.stop();
    s?.cleanup();
  }
});

interface Card {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
}

async function card(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<Card> {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Long enough for a POLL_CARD_TTL of one second to run out. */
const pastTtl = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_200));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('post cards', () => {
  /** The post card each listed post page names (both languages' feeds), as site paths. */
  async function listedCards(): Promise<string[]> {
    const cards = new Set<string>();
    for (const feed of ['/rss.xml', '/zh/rss.xml']) {
      const rss = await (await fetch(`${fresh.url}${feed}`)).text();
      for (const [, link] of rss.matchAll(/<link>[^<]*?(\/(?:zh\/)?posts\/.+?\/)<\/link>/g)) {
        const html = await (await fetch(`${fresh.url}${link}`)).text();
        const named = [...html.matchAll(/<meta property="og:image" content="[^"]*?(\/og\/posts\/[^"]+)"/g)];
        expect(named, link).toHaveLength(1);
        cards.add(named[0]?.[1] ?? '');
      }
    }
    return [...cards];
  }

  it('are 1200×630 PNGs, one for each post the site lists (each language version its own) and no other', async () => {
    const cards = await listedCards();
    expect(cards).toContain(postCardPath('opg-liquidity-ghost'));
    expect(cards).toContain(postCardPath('zh/opg-liquidity-ghost'));
    for (const path of cards) {
      const res = await card(fresh, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(pngSize(res.bytes)).toEqual({ width: 1200, height: 630 });
    }
    const built = files(OG_DIR).map((file) => `/og/posts/${relative(OG_DIR, file).split(sep).join('/')}`);
    expect(built.sort()).toEqual(cards.sort());
  });

  it('differ from post to post', async () => {
    const cards = await listedCards();
    const etags = await Promise.all(cards.map(async (path) => (await card(fresh, path)).headers.get('etag')));
    expect(new Set(etags).size).toBe(cards.length);
  });
});

describe('poll cards', () => {
  it('are drawn in the language of the path: /zh/polls/<id>/card.png is the Chinese card, another prefix a 404', async () => {
    const [en, zh] = await Promise.all([
      card(kept, '/polls/open-multi/card.png?v=a'),
      card(kept, '/zh/polls/open-multi/card.png?v=a'),
    ]);
    expect([en.status, zh.status]).toEqual([200, 200]);
    expect(pngSize(zh.bytes)).toEqual({ width: 1200, height: 630 });
    expect(zh.headers.get('etag')).not.toBe(en.headers.get('etag'));
    expect((await card(kept, '/fr/polls/open-multi/card.png')).status).toBe(404);
  });

  it('are 1200×630 PNGs that shared caches may keep for what is left of the TTL, with validators', async () => {
    const res = await card(kept, '/polls/open-multi/card.png?v=open.1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(pngSize(res.bytes)).toEqual({ width: 1200, height: 630 });
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(res.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(Date.parse(res.headers.get('last-modified') ?? '')).not.toBeNaN();
    expect(res.headers.get('set-cookie')).toBeNull();

    const again = await card(kept, '/polls/open-multi/card.png', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('keep the drawn card until the TTL runs out, whatever the version in the URL says', async () => {
    const before = await card(kept, '/polls/open-single/card.png');
    expect((await vote(kept.url, 'open-single', ['a'])).status).toBe(201);
    const after = await card(kept, '/polls/open-single/card.png?v=open.2');
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(after.headers.get('last-modified')).toBe(before.headers.get('last-modified'));
    expect(after.bytes).toEqual(before.bytes);
  });

  it('show a vote once the TTL has run out', async () => {
    const before = await card(fresh, '/polls/open-single/card.png');
    expect((await vote(fresh.url, 'open-single', ['b'])).status).toBe(201);
    await pastTtl();
    const after = await card(fresh, '/polls/open-single/card.png');
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.bytes).not.toEqual(before.bytes);
    expect(Date.parse(after.headers.get('last-modified') ?? '')).toBeGreaterThan(
      Date.parse(before.headers.get('last-modified') ?? ''),
    );
  });

  it.each(['after-close', 'after-vote'])(
    'show nothing of a poll whose results are %s: redrawn after votes, even for a voter, the picture is the same',
    async (pollId) => {
      const before = await card(fresh, `/polls/${pollId}/card.png`);
      expect(before.status).toBe(200);
      const ballot = await vote(fresh.url, pollId, ['a']);
      expect(ballot.status).toBe(201);
      await vote(fresh.url, pollId, ['b']);
      await pastTtl();
      // The voter's own cookie, which opens an after-vote poll on its page, opens nothing on the card.
      const after = await card(fresh, `/polls/${pollId}/card.png`, ballot.cookie ? { cookie: ballot.cookie } : {});
      expect(after.headers.get('last-modified')).not.toBe(before.headers.get('last-modified'));
      // An answer to a request with cookies is the reader's own: no shared cache keeps it.
      expect(after.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
      expect(after.bytes).toEqual(before.bytes);
    },
  );

  it.each([
    ['an unknown poll', 'no-such-poll'],
    ['an id no poll can have', 'Not_A_Poll'],
  ])('answer 404 in the API’s shape for %s', async (_, id) => {
    const res = await fetch(`${fresh.url}/polls/${id}/card.png`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'not_found', message: `There is no poll "${id}".` });
  });
});
