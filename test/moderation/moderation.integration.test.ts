import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/platform/db/db.server.ts';
import { comments } from '../../db/schema.ts';
import { postsApi, type ApiAnswer } from '../helpers/comments.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

let server: TestServer;
let db: Database;
const admin = newAccount();
let adminCookie: string;
const SLUG = 'opg-liquidity-ghost';

beforeAll(async () => {
  server = await startServer({ env: { ADMIN_ADDRESSES: admin.address } });
  db = await openDatabase({ url: server.databaseUrl });
  adminCookie = await signIn(server.url, admin);
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
  server?.cleanup();
});

type Answer = ApiAnswer;

const call = (method: string, path: string, cookie: string | null, body?: unknown): Promise<Answer> =>
  postsApi(server.url, method, path, cookie, body);

/** A form posted the way a browser without JavaScript posts it. */
async function postForm(
  path: string,
  action: string,
  cookie: string | null,
  fields: Record<string, string | number>,
): Promise<{ status: number; location: string | null; html: string }> {
  const res = await fetch(`${server.url}${path}?_action=${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin: server.url,
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

async function page(path: string, cookie: string | null): Promise<{ status: number; html: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, html: await res.text() };
}

/** Comments written straight into the database: many of them, faster than the comment rate limit allows. */
async function seed(
  slug: string,
  address: string,
  items: { body: string; createdAt: number; parentId?: number }[],
): Promise<number[]> {
  const rows = await db
    .insert(comments)
    .values(
      items.map((item) => ({
        postSlug: slug,
        address,
        body: item.body,
        createdAt: item.createdAt,
        parentId: item.parentId ?? null,
      })),
    )
    .returning({ id: comments.id });
  return rows.map((r) => r.id);
}

async function newComment(cookie: string, body: string, slug = SLUG): Promise<number> {
  const res = await call('POST', `${slug}/comments`, cookie, { body });
  expect(res.status).toBe(201);
  const found = (res.json.comments as { id: number; body: string }[]).find((c) => c.body === body);
  return found?.id ?? 0;
}

const queueOrder = (html: string): number[] => [...html.matchAll(/data-queue-item="(\d+)"/g)].map((m) => Number(m[1]));

describe('reporting comments', () => {
  it('answers 201 with the report, 409 for a second report by the same reader, and 401/404/400 as it should', async () => {
    const author = await signIn(server.url, newAccount());
    const reader = await signIn(server.url, newAccount());
    const id = await newComment(author, 'Buy now, guaranteed 100x');

    const anonymous = await call('POST', `${SLUG}/comments/${id}/report`, null, { reason: 'spam' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toBe('sign_in_required');

    const first = await call('POST', `${SLUG}/comments/${id}/report`, reader, { reason: 'scam', note: ' phishing ' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ commentId: id, reason: 'scam', note: 'phishing' });
    expect(typeof first.json.id).toBe('number');
    expect(typeof first.json.createdAt).toBe('string');

    const again = await call('POST', `${SLUG}/comments/${id}/report`, reader, { reason: 'spam' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: 'already_reported' });
    expect(typeof again.json.message).toBe('string');

    for (const [path, status] of [
      [`no-such-post/comments/${id}/report`, 404],
      [`opg-distribution-question/comments/${id}/report`, 404],
      [`${SLUG}/comments/999999/report`, 404],
      [`${SLUG}/comments/abc/report`, 404],
    ] as const) {
      const res = await call('POST', path, reader, { reason: 'spam' });
      expect(res.status, path).toBe(status);
      expect(res.json.error).toBe('not_found');
    }
    for (const body of [
      {},
      { reason: 'boring' },
      { reason: 'other', note: 'x'.repeat(501) },
      { reason: 'other', note: 5 },
      'spam',
    ]) {
      const res = await call('POST', `${SLUG}/comments/${id}/report`, reader, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error).toBe('bad_request');
    }
    const other = await call('POST', `${SLUG}/comments/${id}/report`, await signIn(server.url, newAccount()), {
      reason: 'other',
      note: 'y'.repeat(500),
    });
    expect(other.status).toBe(201);
  });

  it('limits reports to 10 a minute per reader: 429 rate_limited with Retry-After', async () => {
    const reader = await signIn(server.url, newAccount());
    const now = Date.now();
    const ids = await seed(
      SLUG,
      newAccount().address,
      Array.from({ length: 11 }, (_, n) => ({ body: `rate ${n}`, createdAt: now - 1000 + n })),
    );
    for (const id of ids.slice(0, 10)) {
      expect((await call('POST', `${SLUG}/comments/${id}/report`, reader, { reason: 'spam' })).status).toBe(201);
    }
    const limited = await call('POST', `${SLUG}/comments/${ids[10]}/report`, reader, { reason: 'spam' });
    expect(limited.status).toBe(429);
    expect(limited.json.error).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another reader is counted on their own.
    const other = await signIn(server.url, newAccount());
    expect((await call('POST', `${SLUG}/comments/${ids[10]}/report`, other, { reason: 'spam' })).status).toBe(201);
  });

  it('works without JavaScript: the comments page form reports through an action and thanks the reader', async () => {
    const reader = await signIn(server.url, newAccount());
    const [id] = await seed(SLUG, newAccount().address, [{ body: 'no-js report target', createdAt: Date.now() }]);
    const html = (await page(`/posts/${SLUG}/comments/`, reader)).html;
    expect(html).toContain(`data-report-form="${id}"`);
    expect(html).toContain('?_action=comments.report');
    const sent = await postForm(`/posts/${SLUG}/comments/`, 'comments.report', reader, {
      slug: SLUG,
      commentId: id ?? 0,
      reason: 'off-topic',
      note: '',
    });
    expect(sent.status).toBe(303);
    expect(sent.location).toContain(`?reported=${id}`);
    expect((await page(sent.location ?? '', reader)).html).toContain('the moderators will look at this comment');
    const twice = await postForm(`/zh/posts/${SLUG}/comments/`, 'comments.report', reader, {
      slug: SLUG,
      commentId: id ?? 0,
      reason: 'spam',
    });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('举报未能提交');
    // Signed-out readers see no report form, and the action refuses them.
    expect((await page(`/posts/${SLUG}/comments/`, null)).html).not.toContain('data-report-form');
    const anonymous = await postForm(`/posts/${SLUG}/comments/`, 'comments.report', null, {
      slug: SLUG,
      commentId: id ?? 0,
      reason: 'spam',
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('the moderation page', () => {
  it('is the ordinary 404 for readers who are signed out or not moderators, in both languages', async () => {
    const reader = await signIn(server.url, newAccount());
    const notFound = await page('/no-such-page/', null);
    for (const path of ['/admin/', '/zh/admin/', '/admin']) {
      for (const cookie of [null, reader]) {
        const res = await page(path, cookie);
        expect(res.status, `${path} ${cookie ? 'reader' : 'signed out'}`).toBe(404);
        expect(res.html).toContain(path.startsWith('/zh/') ? '页面不存在' : 'Page not found');
        expect(res.html).not.toContain('admin.title');
        expect(res.html).not.toContain('Moderation log');
      }
    }
    expect(notFound.status).toBe(404);
    // Its forms do not work for them either, and leave no trace.
    const [id] = await seed(SLUG, newAccount().address, [{ body: 'not yours to hide', createdAt: Date.now() }]);
    const tried = await postForm('/admin/', 'moderation.hide', reader, { commentId: id ?? 0 });
    expect(tried.status).toBe(404);
    const stillThere = await call('GET', `${SLUG}/comments`, null);
    expect(JSON.stringify(stillThere.json)).toContain('not yours to hide');
  });

  it('shows moderators the queue, newest report first, with reasons and counts; noindex and not in the sitemap', async () => {
    const [a, b] = await seed(SLUG, newAccount().address, [
      { body: 'queue comment A', createdAt: Date.now() },
      { body: 'queue comment B', createdAt: Date.now() },
    ]);
    const r1 = await signIn(server.url, newAccount());
    const r2 = await signIn(server.url, newAccount());
    expect((await call('POST', `${SLUG}/comments/${a}/report`, r1, { reason: 'spam' })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    expect((await call('POST', `${SLUG}/comments/${b}/report`, r1, { reason: 'scam' })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    expect((await call('POST', `${SLUG}/comments/${a}/report`, r2, { reason: 'spam', note: 'bot' })).status).toBe(201);

    for (const path of ['/admin/', '/zh/admin/']) {
      const res = await page(path, adminCookie);
      expect(res.status).toBe(200);
      expect(res.html).toContain('<meta name="robots" content="noindex"');
      const order = queueOrder(res.html);
      expect(order.indexOf(a ?? 0)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(a ?? 0)).toBeLessThan(order.indexOf(b ?? 0));
    }
    const html = (await page('/admin/', adminCookie)).html;
    const itemOf = (id: number | undefined): string => {
      const start = html.indexOf(`data-queue-item="${id}"`);
      return html.slice(start, html.indexOf('</li>\n', html.indexOf('moderation-actions', start)));
    };
    expect(itemOf(a)).toContain('2 reports');
    expect(itemOf(a)).toMatch(/data-reason="spam"[^>]*>\s*Spam: 2/);
    expect(itemOf(a)).toContain('bot');
    expect(itemOf(b)).toContain('1 report');
    expect(itemOf(b)).toMatch(/data-reason="scam"[^>]*>\s*Scam or phishing: 1/);

    const sitemap = await fetch(`${server.url}/sitemap-0.xml`);
    expect(sitemap.status).toBe(200);
    expect(await sitemap.text()).not.toContain('/admin');
  });

  it('hides, shows again and dismisses through forms, each logged in the audit table', async () => {
    const authorAccount = newAccount();
    const [id] = await seed(SLUG, authorAccount.address, [{ body: 'moderate me', createdAt: Date.now() }]);
    const reader = await signIn(server.url, newAccount());
    await call('POST', `${SLUG}/comments/${id}/report`, reader, { reason: 'harassment' });
    const bodies = async (): Promise<string> => JSON.stringify((await call('GET', `${SLUG}/comments`, null)).json);

    const hidden = await postForm('/admin/', 'moderation.hide', adminCookie, { commentId: id ?? 0 });
    expect(hidden.status).toBe(303);
    expect(hidden.location).toBe('/admin/?done=1');
    expect(await bodies()).not.toContain('moderate me');
    let html = (await page('/admin/?done=1', adminCookie)).html;
    expect(html).toContain('Done.');
    expect(html).toContain('hidden from readers');

    expect((await postForm('/admin/', 'moderation.unhide', adminCookie, { commentId: id ?? 0 })).status).toBe(303);
    expect(await bodies()).toContain('moderate me');

    expect((await postForm('/admin/', 'moderation.dismiss', adminCookie, { commentId: id ?? 0 })).status).toBe(303);
    html = (await page('/admin/', adminCookie)).html;
    expect(queueOrder(html)).not.toContain(id);
    // The reader may report it again: dismissing cleared the reports.
    expect((await call('POST', `${SLUG}/comments/${id}/report`, reader, { reason: 'spam' })).status).toBe(201);

    // The log's table scrolls in a focusable, named region, as every wide table does.
    expect(html).toMatch(/<div class="table-scroll" role="region" aria-label="Moderation log" tabindex="0">/);

    const rows = [...html.matchAll(/<tr data-audit="(\w+)">([\s\S]*?)<\/tr>/g)]
      .filter((m) => new RegExp(`comment #${id}(?!\\d)`).test(m[2] ?? ''))
      .map((m) => m[1]);
    expect(rows).toEqual(['dismiss', 'unhide', 'hide']);
    const dismissRow = [...html.matchAll(/<tr data-audit="dismiss">([\s\S]*?)<\/tr>/g)].find((m) =>
      new RegExp(`comment #${id}(?!\\d)`).test(m[1] ?? ''),
    )?.[1];
    expect(dismissRow).toContain(admin.address.slice(0, 6));
    expect(dismissRow).toContain('1 report cleared');
    expect(dismissRow).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T/);

    const unknown = await postForm('/admin/', 'moderation.hide', adminCookie, { commentId: 99_999_999 });
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('There is no such comment');
  });

  it('blocks an address from commenting (403 blocked with the reason), unblocks it, and lets a past end date lapse', async () => {
    const account = newAccount();
    const cookie = await signIn(server.url, account);
    await newComment(cookie, 'before the block');

    const blocked = await postForm('/admin/', 'moderation.block', adminCookie, {
      address: account.address,
      reason: 'Repeated scam links',
      endsOn: '',
    });
    expect(blocked.status).toBe(303);
    const refused = await call('POST', `${SLUG}/comments`, cookie, { body: 'while blocked' });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('blocked');
    expect(refused.json.message).toContain('Repeated scam links');
    let html = (await page('/admin/', adminCookie)).html;
    expect(html).toContain(`data-block="${account.address.toLowerCase()}"`);

    expect((await postForm('/admin/', 'moderation.unblock', adminCookie, { address: account.address })).status).toBe(
      303,
    );
    await newComment(cookie, 'after the unblock');

    const lapsed = await postForm('/admin/', 'moderation.block', adminCookie, {
      address: account.address,
      reason: 'A week off',
      endsOn: '2020-01-01',
    });
    expect(lapsed.status).toBe(303);
    await newComment(cookie, 'after the block ended');

    const future = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await postForm('/admin/', 'moderation.block', adminCookie, {
      address: account.address,
      reason: 'Cooling off',
      endsOn: future,
    });
    const untilThen = await call('POST', `${SLUG}/comments`, cookie, { body: 'still blocked' });
    expect(untilThen.status).toBe(403);
    expect(untilThen.json.message).toContain(`until ${future}`);

    const bad = await postForm('/admin/', 'moderation.block', adminCookie, {
      address: 'not-an-address',
      reason: 'x',
    });
    expect(bad.status).toBe(400);

    html = (await page('/admin/', adminCookie)).html;
    const target = account.address.toLowerCase().slice(0, 6);
    const actions = [...html.matchAll(/<tr data-audit="(\w+)">([\s\S]*?)<\/tr>/g)]
      .filter((m) => m[2]?.toLowerCase().includes(target))
      .map((m) => m[1]);
    expect(actions.slice(0, 4)).toEqual(['block', 'block', 'unblock', 'block']);
    expect(html).toContain('Repeated scam links (no end date)');
  });
});

describe('comment pages', () => {
  const PAGED = 'opg-distribution-question';
  let ids: number[] = [];

  it('pages 120 threads 50 at a time with stable cursors, nextCursor null at the end', async () => {
    const base = Date.now() - 3_600_000;
    // Pairs share a timestamp, so the id breaks ties.
    ids = await seed(
      PAGED,
      newAccount().address,
      Array.from({ length: 120 }, (_, n) => ({ body: `thread ${n}`, createdAt: base + Math.floor(n / 2) * 1000 })),
    );
    await seed(PAGED, newAccount().address, [
      { body: 'reply to thread 0', createdAt: base + 500_000, parentId: ids[0] ?? 0 },
    ]);
    const get = async (query: string): Promise<Answer> => call('GET', `${PAGED}/comments${query}`, null);
    const first = await get('');
    expect(first.status).toBe(200);
    const idsOf = (res: Answer): number[] => (res.json.comments as { id: number }[]).map((c) => c.id);
    expect(idsOf(first)).toHaveLength(50);
    expect(first.json.total).toBe(121);
    const cursor1 = first.json.nextCursor as string;
    expect(typeof cursor1).toBe('string');

    const second = await get(`?cursor=${encodeURIComponent(cursor1)}`);
    expect(idsOf(second)).toHaveLength(50);
    const cursor2 = second.json.nextCursor as string;

    // New threads arrive: the pages after a cursor stay as they were.
    const cookie = await signIn(server.url, newAccount());
    await newComment(cookie, 'a late arrival', PAGED);
    const secondAgain = await get(`?cursor=${encodeURIComponent(cursor1)}`);
    expect(idsOf(secondAgain)).toEqual(idsOf(second));
    expect(secondAgain.json.nextCursor).toBe(cursor2);

    const third = await get(`?cursor=${encodeURIComponent(cursor2)}`);
    expect(idsOf(third)).toHaveLength(20);
    expect(third.json.nextCursor).toBeNull();
    const all = [...idsOf(first), ...idsOf(second), ...idsOf(third)];
    expect(new Set(all).size).toBe(120);
    expect([...all].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    // Newest first, ties by id.
    expect(all.slice(0, 2)).toEqual([ids[118], ids[119]]);
    expect(all.at(-1)).toBe(ids[1]);
    const withReply = (third.json.comments as { id: number; replies: { body: string }[] }[]).find(
      (c) => c.id === ids[0],
    );
    expect(withReply?.replies.map((r) => r.body)).toEqual(['reply to thread 0']);

    // Oldest first pages the same way, its cursors carrying the order.
    const oldest1 = await get('?order=oldest');
    expect(idsOf(oldest1).slice(0, 3)).toEqual(ids.slice(0, 3));
    const oldest2 = await get(`?cursor=${encodeURIComponent(oldest1.json.nextCursor as string)}`);
    expect(oldest2.json.order).toBe('oldest');
    expect(idsOf(oldest2)[0]).toBe(ids[50]);
  });

  it('refuses a cursor it did not make with 400', async () => {
    for (const bad of ['garbage!', 'bm90LWEtY3Vyc29y', Buffer.from('x:1:2').toString('base64url'), 'a'.repeat(200)]) {
      const res = await call('GET', `${PAGED}/comments?cursor=${encodeURIComponent(bad)}`, null);
      expect(res.status, bad).toBe(400);
      expect(res.json.error).toBe('invalid_cursor');
    }
  });

  it('links the pages on the comments page, without JavaScript', async () => {
    const first = (await page(`/posts/${PAGED}/comments/`, null)).html;
    const next = /href="([^"]*\?cursor=[^"#]+)#comments-title"[^>]*rel="next"/.exec(first)?.[1];
    expect(next).toBeDefined();
    expect(first).toContain('thread 119');
    expect(first).not.toContain('thread 60<');
    const second = (await page(next?.replaceAll('&amp;', '&') ?? '', null)).html;
    expect(second).toContain('thread 60');
    expect(second).toContain('Back to the first page');
    expect(second).not.toContain('thread 119<');
    const zh = (await page(`/zh/posts/${PAGED}/comments/`, null)).html;
    expect(zh).toMatch(/href="\/zh\/posts\/opg-distribution-question\/comments\/\?cursor=/);
    expect(zh).toContain('下一页');
  });
});
