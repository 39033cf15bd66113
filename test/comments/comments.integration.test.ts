import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { CONTROL_CHARACTER_COMMENT, HOSTILE_COMMENTS } from '../fixtures/hostile-comments.ts';
import { postsApi, WITHOUT_NETWORK_LIMITS, type ApiAnswer } from '../helpers/comments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

let server: TestServer;
const admin = newAccount();
const SLUG = 'opg-liquidity-ghost';

beforeAll(async () => {
  // Many readers from one address: the limits per network are tested on their own (comment-limits.test.ts).
  server = await startServer({ env: { ADMIN_ADDRESSES: admin.address, ...WITHOUT_NETWORK_LIMITS } });
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

interface Thread {
  id: number;
  parentId: number | null;
  address: string;
  body: string | null;
  state: string;
  editedAt: string | null;
  canEdit: boolean;
  replies: Thread[];
}

const call = (method: string, path: string, cookie: string | null, body?: unknown): Promise<ApiAnswer> =>
  postsApi(server.url, method, path, cookie, body);

const threads = async (cookie: string | null = null, order = 'newest'): Promise<Thread[]> =>
  (await call('GET', `${SLUG}/comments?order=${order}`, cookie)).json.comments as Thread[];

describe('comments API', () => {
  it('lets anyone read but only signed-in readers post', async () => {
    expect((await call('GET', `${SLUG}/comments`, null)).status).toBe(200);
    const anonymous = await call('POST', `${SLUG}/comments`, null, { body: 'hello' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toBe('sign_in_required');
  });

  it('posts, replies one level deep, and lists newest or oldest threads first', async () => {
    const cookie = await signIn(server.url, newAccount());
    const first = await call('POST', `${SLUG}/comments`, cookie, { body: '  First thread  ' });
    expect(first.status).toBe(201);
    const firstId = (first.json.comments as Thread[]).find((t) => t.body === 'First thread')?.id ?? 0;
    await new Promise((r) => setTimeout(r, 5));
    await call('POST', `${SLUG}/comments`, cookie, { body: 'Second thread' });
    const reply = await call('POST', `${SLUG}/comments`, cookie, { body: 'A reply', parentId: firstId });
    expect(reply.status).toBe(201);
    const replyId =
      (reply.json.comments as Thread[]).flatMap((t) => t.replies).find((r) => r.body === 'A reply')?.id ?? 0;

    const nested = await call('POST', `${SLUG}/comments`, cookie, { body: 'too deep', parentId: replyId });
    expect(nested.status).toBe(400);
    expect(nested.json.error).toBe('invalid_parent');
    const elsewhere = await call('POST', `opg-distribution-question/comments`, cookie, {
      body: 'wrong post',
      parentId: firstId,
    });
    expect(elsewhere.status).toBe(400);

    const newest = (await threads()).map((t) => t.body);
    expect(newest.indexOf('Second thread')).toBeLessThan(newest.indexOf('First thread'));
    const oldest = (await threads(null, 'oldest')).map((t) => t.body);
    expect(oldest.indexOf('First thread')).toBeLessThan(oldest.indexOf('Second thread'));
    expect((await threads()).find((t) => t.id === firstId)?.replies.map((r) => r.body)).toEqual(['A reply']);
  });

  it.each([
    ['an empty body', { body: '   ' }, 400],
    ['a body over 2,000 characters', { body: 'x'.repeat(2001) }, 400],
    ['a body that is not text', { body: 42 }, 400],
    ['control characters (NUL would cut the stored text)', { body: CONTROL_CHARACTER_COMMENT }, 400],
  ])('refuses %s', async (_name, body, status) => {
    const cookie = await signIn(server.url, newAccount());
    expect((await call('POST', `${SLUG}/comments`, cookie, body)).status).toBe(status);
  });

  it('answers 404 for an unknown post', async () => {
    const cookie = await signIn(server.url, newAccount());
    expect((await call('GET', 'no-such-post/comments', null)).status).toBe(404);
    expect((await call('POST', 'no-such-post/comments', cookie, { body: 'hi' })).status).toBe(404);
  });

  it('lets authors edit (marked edited) and delete (shown as [deleted], replies kept), and nobody else', async () => {
    const author = await signIn(server.url, newAccount());
    const stranger = await signIn(server.url, newAccount());
    const posted = await call('POST', `${SLUG}/comments`, author, { body: 'Original words' });
    const id = (posted.json.comments as Thread[]).find((t) => t.body === 'Original words')?.id ?? 0;
    await call('POST', `${SLUG}/comments`, stranger, { body: 'reply to original', parentId: id });

    expect((await call('PATCH', `${SLUG}/comments/${id}`, stranger, { body: 'hijack' })).status).toBe(403);
    expect((await call('DELETE', `${SLUG}/comments/${id}`, stranger)).status).toBe(403);
    const edited = await call('PATCH', `${SLUG}/comments/${id}`, author, { body: 'Better words' });
    expect(edited.status).toBe(200);
    const after = (await threads()).find((t) => t.id === id);
    expect(after).toMatchObject({ body: 'Better words' });
    expect(after?.editedAt).not.toBeNull();

    expect((await call('DELETE', `${SLUG}/comments/${id}`, author)).status).toBe(200);
    const deleted = (await threads()).find((t) => t.id === id);
    expect(deleted).toMatchObject({ state: 'deleted', body: null });
    expect(deleted?.replies.map((r) => r.body)).toEqual(['reply to original']);
    expect((await call('PATCH', `${SLUG}/comments/${id}`, author, { body: 'again' })).status).toBe(404);
  });

  it('lets moderators hide any comment: gone for readers, visible to moderators', async () => {
    const author = await signIn(server.url, newAccount());
    const moderator = await signIn(server.url, admin);
    const posted = await call('POST', `${SLUG}/comments`, author, { body: 'Spam spam spam' });
    const id = (posted.json.comments as Thread[]).find((t) => t.body === 'Spam spam spam')?.id ?? 0;
    expect((await call('POST', `${SLUG}/comments/${id}/hide`, author, { hidden: true })).status).toBe(403);
    expect((await call('POST', `${SLUG}/comments/${id}/hide`, moderator, { hidden: true })).status).toBe(200);
    expect((await threads()).some((t) => t.id === id)).toBe(false);
    expect((await threads(moderator)).find((t) => t.id === id)).toMatchObject({
      state: 'hidden',
      body: 'Spam spam spam',
    });
    await call('POST', `${SLUG}/comments/${id}/hide`, moderator, { hidden: false });
    expect((await threads()).some((t) => t.id === id)).toBe(true);
  });

  it('limits each address to 5 comments a minute with 429 and Retry-After', async () => {
    const cookie = await signIn(server.url, newAccount());
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await call('POST', `${SLUG}/comments`, cookie, { body: `burst ${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const limited = await call('POST', `${SLUG}/comments`, cookie, { body: 'one more' });
    expect(limited.json.error).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('limits that need the clock moved', () => {
  it('refuses edits after 15 minutes and a 101st comment in a day', async () => {
    const account = newAccount();
    const cookie = await signIn(server.url, account);
    const db = await openDatabase({ url: server.databaseUrl });
    try {
      const now = Date.now();
      const old = await db.$client.execute({
        sql: `INSERT INTO comments (post_slug, address, body, created_at) VALUES (?, ?, 'sixteen minutes old', ?) RETURNING id`,
        args: [SLUG, account.address, now - 16 * 60_000],
      });
      const edit = await call('PATCH', `${SLUG}/comments/${Number(old.rows[0]?.id)}`, cookie, { body: 'too late' });
      expect(edit.status).toBe(409);
      expect(edit.json.error).toBe('edit_window_closed');

      // 99 more over the past day (older than a minute, so only the daily limit applies): 100 in all.
      for (let i = 0; i < 99; i++) {
        await db.$client.execute({
          sql: `INSERT INTO comments (post_slug, address, body, created_at) VALUES (?, ?, 'earlier', ?)`,
          args: [SLUG, account.address, now - 2 * 60_000 - i * 600_000],
        });
      }
      const refused = await call('POST', `${SLUG}/comments`, cookie, { body: 'one too many' });
      expect(refused.status).toBe(429);
      expect(refused.json.message).toMatch(/100 comments a day/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    } finally {
      db.$client.close();
    }
  });
});

describe('hostile comment bodies', () => {
  it(`stores each of ${HOSTILE_COMMENTS.length} verbatim and renders it inert`, async () => {
    expect(HOSTILE_COMMENTS.length).toBeGreaterThanOrEqual(30);
    const cookies = await Promise.all(
      Array.from({ length: Math.ceil(HOSTILE_COMMENTS.length / 5) }, () => signIn(server.url, newAccount())),
    );
    for (const [i, body] of HOSTILE_COMMENTS.entries()) {
      const res = await call('POST', 'opg-distribution-question/comments', cookies[Math.floor(i / 5)] ?? null, {
        body,
      });
      expect(res.status, body).toBe(201);
    }
    const stored = (await call('GET', 'opg-distribution-question/comments?order=oldest', null)).json
      .comments as Thread[];
    expect(stored.map((t) => t.body)).toEqual(HOSTILE_COMMENTS.map((b) => b.trim()));

    const html = await (await fetch(`${server.url}/posts/opg-distribution-question/comments/`)).text();
    const discussion = html.slice(html.indexOf('<ol class="comment-list">'), html.indexOf('</post-comments>'));
    expect(discussion.length).toBeGreaterThan(1000);
    // Each body renders as escaped text: once our own <br> and http(s) links are
    // taken out, no "<" remains, so no tag, attribute or handler can come alive.
    const bodies = [...discussion.matchAll(/<p class="comment-body" data-body="[^"]*">([\s\S]*?)<\/p>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(bodies).toHaveLength(HOSTILE_COMMENTS.length);
    for (const body of bodies) {
      const links = body.match(/<a [^>]*>/g) ?? [];
      for (const link of links) expect(link).toMatch(/^<a href="https?:\/\/[^"<>]*" rel="nofollow ugc noopener">$/);
      expect(body.replace(/<br>|<\/a>|<a href="https?:\/\/[^"<>]*" rel="nofollow ugc noopener">/g, '')).not.toContain(
        '<',
      );
    }
    expect(discussion).not.toMatch(/href="(javascript|data):/i);
  });
});
