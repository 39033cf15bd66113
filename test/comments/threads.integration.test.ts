import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments } from '../../db/schema.ts';
import { openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * A thread inflated to 1,500 replies (issue 35: a flood of free wallets made
 * the comments island 6.8 MB a view) is served in bounded pages: the post's
 * threads with their first replies, and the thread's own pages of 50.
 */

let server: TestServer;
let db: Database;
const admin = newAccount();
const SLUG = 'opg-liquidity-ghost';
const REPLIES = 1500;
let big = 0;
let bigReplies: number[] = [];

interface View {
  id: number;
  parentId: number | null;
  body: string | null;
  state: string;
  replies: View[];
  moreReplies: number;
  moreRepliesCursor: string | null;
}

async function seed(rows: (typeof comments.$inferInsert)[]): Promise<number[]> {
  const ids: number[] = [];
  // A few hundred rows a statement keeps each within SQLite's bound parameters.
  for (let i = 0; i < rows.length; i += 500) {
    const made = await db
      .insert(comments)
      .values(rows.slice(i, i + 500))
      .returning({ id: comments.id });
    ids.push(...made.map((r) => r.id));
  }
  return ids;
}

beforeAll(async () => {
  server = await startServer({ env: { ADMIN_ADDRESSES: admin.address } });
  db = await openDatabase({ url: server.databaseUrl });
  const base = Date.now() - 10 * 86_400_000;
  const author = newAccount().address;
  // 60 older threads with 7 replies each, so every thread on the first page has more than it shows.
  const others = await seed(
    Array.from({ length: 60 }, (_, n) => ({
      postSlug: SLUG,
      address: author,
      body: `thread ${n}`,
      createdAt: base + n,
    })),
  );
  await seed(
    others.flatMap((parentId, n) =>
      Array.from({ length: 7 }, (_, r) => ({
        postSlug: SLUG,
        parentId,
        address: author,
        body: `reply ${r} to thread ${n}`,
        createdAt: base + 100_000 + r,
      })),
    ),
  );
  [big = 0] = await seed([{ postSlug: SLUG, address: author, body: 'the inflated thread', createdAt: base + 1000 }]);
  // Pairs of replies share a time, so the id breaks ties as the cursor does.
  bigReplies = await seed(
    Array.from({ length: REPLIES }, (_, n) => ({
      postSlug: SLUG,
      parentId: big,
      address: newAccount().address,
      body: `flood ${n}`,
      createdAt: base + 200_000 + Math.floor(n / 2) * 1000,
    })),
  );
}, 60_000);

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
  server?.cleanup();
});

async function api(
  path: string,
  cookie: string | null = null,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/posts/${SLUG}/comments${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const html = async (path: string): Promise<string> => (await fetch(`${server.url}${path}`)).text();
const commentIds = (page: string): number[] => [...page.matchAll(/data-comment="(\d+)"/g)].map((m) => Number(m[1]));
const sizeOf = (threads: View[]): number => threads.reduce((n, t) => n + 1 + t.replies.length, 0);

describe('a thread of 1,500 replies', () => {
  it('comes in the API with its first 5 replies, a count of the rest and where they start; no answer over 300', async () => {
    const first = await api('');
    const threads = first.json.comments as View[];
    expect(threads).toHaveLength(50);
    expect(threads.every((t) => t.replies.length === 5 && t.moreReplies > 0)).toBe(true);
    expect(sizeOf(threads)).toBe(300);
    expect(first.json.total).toBe(60 * 8 + 1 + REPLIES);
    const thread = threads[0];
    expect(thread?.id).toBe(big);
    expect(thread?.replies.map((r) => r.id)).toEqual(bigReplies.slice(0, 5));
    expect(thread?.replies.every((r) => r.moreReplies === 0 && r.moreRepliesCursor === null)).toBe(true);
    expect(thread?.moreReplies).toBe(REPLIES - 5);
    expect(threads[1]).toMatchObject({ moreReplies: 2 });

    // The rest, from where the first five end.
    const rest = await api(`/${big}/replies?cursor=${encodeURIComponent(thread?.moreRepliesCursor ?? '')}`);
    expect(rest.status).toBe(200);
    const restThread = rest.json.thread as View;
    expect(restThread.replies.map((r) => r.id)).toEqual(bigReplies.slice(5, 55));
    expect(restThread.moreReplies).toBe(REPLIES - 55);

    // The next page of threads is bounded the same way.
    const second = await api(`?cursor=${encodeURIComponent(first.json.nextCursor as string)}`);
    expect(sizeOf(second.json.comments as View[])).toBeLessThanOrEqual(300);
    expect((second.json.comments as View[]).every((t) => t.replies.length <= 5)).toBe(true);
  });

  it('pages every reply through GET .../<id>/replies, 50 at a time, oldest first, with the cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`;
      const res = await api(`/${big}/replies${query}`);
      expect(res.status).toBe(200);
      const thread = res.json.thread as View;
      expect(thread.id).toBe(big);
      expect(thread.body).toBe('the inflated thread');
      expect(thread.replies.length).toBeLessThanOrEqual(50);
      seen.push(...thread.replies.map((r) => r.id));
      expect(thread.moreReplies).toBe(REPLIES - seen.length);
      cursor = res.json.nextCursor as string | null;
      expect(thread.moreRepliesCursor).toBe(cursor);
      pages++;
    } while (cursor !== null && pages < 100);
    expect(pages).toBe(REPLIES / 50);
    expect(seen).toEqual(bigReplies);
  });

  it('answers 404 for a thread the post does not have (or a reply) and 400 for a cursor it did not make', async () => {
    for (const path of [`/999999/replies`, `/${bigReplies[0]}/replies`, '/abc/replies']) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      expect(res.json.error).toBe('not_found');
    }
    const elsewhere = await fetch(`${server.url}/api/posts/opg-distribution-question/comments/${big}/replies`);
    expect(elsewhere.status).toBe(404);
    const newestCursor = Buffer.from(`n:1:${big}`).toString('base64url');
    for (const bad of ['garbage!', newestCursor]) {
      const res = await api(`/${big}/replies?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.json.error).toBe('invalid_cursor');
    }
  });

  it('counts only the replies a reader may see; moderators count the hidden ones too', async () => {
    const moderator = await signIn(server.url, admin);
    const hidden = bigReplies[2] ?? 0;
    const hide = await fetch(`${server.url}/api/posts/${SLUG}/comments/${hidden}/hide`, {
      method: 'POST',
      headers: { origin: server.url, cookie: moderator, 'content-type': 'application/json' },
      body: JSON.stringify({ hidden: true }),
    });
    expect(hide.status).toBe(200);
    try {
      const forReader = ((await api('')).json.comments as View[])[0];
      expect(forReader?.replies.map((r) => r.id)).toEqual([0, 1, 3, 4, 5].map((n) => bigReplies[n]));
      expect(forReader?.moreReplies).toBe(REPLIES - 6);
      const forModerator = ((await api('', moderator)).json.comments as View[])[0];
      expect(forModerator?.replies.map((r) => r.id)).toEqual(bigReplies.slice(0, 5));
      expect(forModerator?.moreReplies).toBe(REPLIES - 5);
    } finally {
      await db.update(comments).set({ hiddenAt: null, hiddenBy: null }).where(eq(comments.id, hidden));
    }
  });

  it('renders the island and the comments page bounded, with "N more replies" linking to the thread page', async () => {
    const post = await html(`/posts/${SLUG}/`);
    const island = /_server-islands\/CommentsIsland[^"']*/.exec(post)?.[0]?.replace(/&amp;/g, '&');
    expect(island).toBeDefined();
    for (const [name, page] of [
      ['island', await html(`/${island}`)],
      ['comments page', await html(`/posts/${SLUG}/comments/`)],
    ] as const) {
      const ids = commentIds(page);
      expect(ids.length, name).toBe(300);
      expect(ids, name).toContain(bigReplies[4]);
      expect(ids, name).not.toContain(bigReplies[5]);
      expect(page, name).toMatch(
        new RegExp(
          `<a href="/posts/${SLUG}/comments/\\?thread=${big}#comments-title"[^>]*>\\s*1,495 more replies\\s*</a>`,
        ),
      );
      expect(page, name).toContain('2 more replies');
      // 300 comments, not 1,500 replies: a few hundred kilobytes at most.
      expect(page.length, name).toBeLessThan(600_000);
    }
  });

  it('pages the thread on its own page, 50 replies a page, through every reply, in both languages', async () => {
    for (const [locale, next] of [
      ['', 'Next page'],
      ['/zh', '下一页'],
    ] as const) {
      const list = await html(`${locale}/posts/${SLUG}/comments/`);
      const link = new RegExp(`href="(${locale}/posts/${SLUG}/comments/\\?thread=${big})#comments-title"`).exec(
        list,
      )?.[1];
      expect(link, locale).toBeDefined();
      if (locale === '/zh') expect(list).toContain('还有 1,495 条回复');
      const seen: number[] = [];
      let path: string | undefined = link;
      let pages = 0;
      while (path && pages < 100) {
        const page = await html(path);
        const ids = commentIds(page);
        // The thread's comment heads every page, then up to 50 of its replies.
        expect(ids[0]).toBe(big);
        expect(ids.length).toBeLessThanOrEqual(51);
        seen.push(...ids.slice(1));
        path = /<a href="([^"]+)#comments-title"[^>]*rel="next"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
        if (path) {
          expect(path).toContain(`${locale}/posts/${SLUG}/comments/?thread=${big}&cursor=`);
          expect(page).toContain(next);
        }
        pages++;
      }
      expect(pages, locale).toBe(REPLIES / 50);
      expect(seen, locale).toEqual(bigReplies);
    }
  });

  it('answers 404 for a thread page the post does not have', async () => {
    for (const query of ['?thread=999999', `?thread=${bigReplies[0]}`, '?thread=x']) {
      expect((await fetch(`${server.url}/posts/${SLUG}/comments/${query}`)).status, query).toBe(404);
    }
  });
});
