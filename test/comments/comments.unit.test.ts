import { describe, expect, it } from 'vitest';
import { escapeHtml, renderCommentBody } from '../../src/lib/comments/render.ts';
import { cursorAfter, cutPage, decodeCursor, MAX_COMMENTS_PER_ANSWER } from '../../src/lib/comments/cursor.ts';
import { buildThreads, canEdit, EDIT_WINDOW_MS, threadView, type CommentRow } from '../../src/lib/comments/rules.ts';
import { HOSTILE_COMMENTS } from '../fixtures/hostile-comments.ts';

describe('renderCommentBody', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['escapes markup', '<b>hi</b> & "you"', '&lt;b&gt;hi&lt;/b&gt; &amp; &quot;you&quot;'],
    ['keeps line breaks', 'a\nb\r\nc', 'a<br>b<br>c'],
    [
      'links http(s) URLs',
      'see https://example.com/x',
      'see <a href="https://example.com/x" rel="nofollow ugc noopener">https://example.com/x</a>',
    ],
    [
      'leaves sentence punctuation outside',
      '(https://example.com).',
      '(<a href="https://example.com/" rel="nofollow ugc noopener">https://example.com</a>).',
    ],
    ['never links javascript:', 'javascript:alert(1)', 'javascript:alert(1)'],
    [
      'escapes inside links',
      'https://x.org/?a=1&b=2',
      '<a href="https://x.org/?a=1&amp;b=2" rel="nofollow ugc noopener">https://x.org/?a=1&amp;b=2</a>',
    ],
    [
      'stops a URL at a quote',
      'https://e.com/"onmouseover="x',
      '<a href="https://e.com/" rel="nofollow ugc noopener">https://e.com/</a>&quot;onmouseover=&quot;x',
    ],
  ])('%s', (_name, input, html) => expect(renderCommentBody(input)).toBe(html));

  it.each(HOSTILE_COMMENTS)('renders %j without live markup', (body) => {
    const html = renderCommentBody(body).replace(
      /<br>|<\/a>|<a href="https?:\/\/[^"<>]*" rel="nofollow ugc noopener">/g,
      '',
    );
    expect(html).not.toContain('<');
    expect(escapeHtml(body)).not.toMatch(/[<>"']/);
  });
});

const row = (id: number, overrides: Partial<CommentRow> = {}): CommentRow => ({
  id,
  postSlug: 'p',
  parentId: null,
  address: '0xAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa',
  body: `comment ${id}`,
  createdAt: id * 1000,
  editedAt: null,
  deletedAt: null,
  hiddenAt: null,
  ...overrides,
});

describe('threads', () => {
  const reader = { address: null, isAdmin: false };
  const admin = { address: '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', isAdmin: true };
  const rows = [
    row(1),
    row(2),
    row(3, { parentId: 1 }),
    row(4, { hiddenAt: 5000 }),
    row(5, { deletedAt: 6000, body: '' }),
    row(6, { parentId: 5 }),
    row(7, { hiddenAt: 7000 }),
    row(8, { parentId: 7 }),
  ];

  it('orders threads newest or oldest first, replies oldest first', () => {
    expect(buildThreads(rows, 'newest', reader, 0).map((t) => t.id)).toEqual([7, 5, 2, 1]);
    expect(buildThreads(rows, 'oldest', reader, 0).map((t) => t.id)).toEqual([1, 2, 5, 7]);
    expect(buildThreads(rows, 'oldest', reader, 0)[0]?.replies.map((r) => r.id)).toEqual([3]);
  });

  it('hides hidden comments from readers (keeping a marker where replies hang) and shows them to admins', () => {
    const forReader = buildThreads(rows, 'oldest', reader, 0);
    expect(forReader.find((t) => t.id === 4)).toBeUndefined();
    expect(forReader.find((t) => t.id === 7)).toMatchObject({ state: 'hidden', body: null });
    expect(buildThreads(rows, 'oldest', admin, 0).find((t) => t.id === 4)).toMatchObject({
      state: 'hidden',
      body: 'comment 4',
      canHide: true,
    });
  });

  it('shows deleted comments as deleted with their replies', () => {
    const deleted = buildThreads(rows, 'oldest', reader, 0).find((t) => t.id === 5);
    expect(deleted).toMatchObject({ state: 'deleted', body: null });
    expect(deleted?.replies.map((r) => r.id)).toEqual([6]);
  });

  it('lets the author edit for 15 minutes only, and not once a moderator has hidden the comment', () => {
    const author = { address: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', isAdmin: false };
    expect(canEdit(row(1), author, 1000 + EDIT_WINDOW_MS - 1)).toBe(true);
    expect(canEdit(row(1), author, 1000 + EDIT_WINDOW_MS)).toBe(false);
    expect(canEdit(row(1), admin, 1001)).toBe(false);
    expect(canEdit(row(1, { hiddenAt: 1500 }), author, 2000)).toBe(false);
    expect(
      buildThreads([row(1, { hiddenAt: 1500 }), row(2, { parentId: 1 })], 'oldest', author, 2000)[0],
    ).toMatchObject({ state: 'hidden', canEdit: false, canDelete: true });
  });
});

describe('paging', () => {
  const rows = (n: number): CommentRow[] => Array.from({ length: n }, (_, i) => row(i + 1));

  it.each([
    ['no rows', 0, 50, 0, null],
    ['fewer than a page', 3, 50, 3, null],
    ['exactly a page: no spare row, no next page', 50, 50, 50, null],
    ['a page and the spare row', 51, 50, 50, 50],
    ['a small page of replies', 6, 5, 5, 5],
  ])('cuts %s', (_name, given, limit, kept, lastId) => {
    const { page, nextCursor } = cutPage(rows(given), limit, 'oldest');
    expect(page).toHaveLength(kept);
    expect(nextCursor === null ? null : decodeCursor(nextCursor)).toEqual(
      lastId === null ? null : { order: 'oldest', createdAt: lastId * 1000, id: lastId },
    );
  });

  it('carries the order in the cursor', () => {
    expect(decodeCursor(cutPage(rows(3), 2, 'newest').nextCursor ?? '')).toMatchObject({ order: 'newest', id: 2 });
  });

  it('bounds an answer at 300 comments: 50 threads with their first 5 replies', () => {
    expect(MAX_COMMENTS_PER_ANSWER).toBe(300);
  });

  const reader = { address: null, isAdmin: false };
  const admin = { address: '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', isAdmin: true };
  // Thread 1 has 5 replies given (2-6) of 9; thread 10 all of its 2; thread 20 none; thread 30 is hidden, one reply.
  const page = [
    row(1),
    ...[2, 3, 4, 5, 6].map((id) => row(id, { parentId: 1 })),
    row(10),
    row(11, { parentId: 10 }),
    row(12, { parentId: 10 }),
    row(20),
    row(30, { hiddenAt: 30_500 }),
    row(31, { parentId: 30 }),
  ];

  it.each([
    ['a thread with more replies than shown', 1, new Map([[1, 9]]), 4, cursorAfter('oldest', row(6))],
    ['a thread whose replies are all shown', 10, new Map([[10, 2]]), 0, null],
    ['a thread without replies', 20, new Map<number, number>(), 0, null],
    ['a thread counted without a count (all its replies given)', 10, new Map<number, number>(), 0, null],
    ['a hidden thread kept by its reply', 30, new Map([[30, 3]]), 2, cursorAfter('oldest', row(31))],
  ])('counts the rest of %s', (_name, id, counts, more, cursor) => {
    const thread = buildThreads(page, 'oldest', reader, 0, new Map(), counts).find((t) => t.id === id);
    expect(thread).toMatchObject({ moreReplies: more, moreRepliesCursor: cursor });
    expect(thread?.replies.every((r) => r.moreReplies === 0 && r.moreRepliesCursor === null)).toBe(true);
  });

  it.each([
    ['a reader: hidden replies are neither shown nor the cursor', reader, [2, 4], 7, 4],
    ['a moderator: every reply', admin, [2, 3, 4], 7, 4],
  ])('builds a thread page for %s', (_name, viewer, shown, more, lastId) => {
    const replies = [row(4, { parentId: 1 }), row(3, { parentId: 1, hiddenAt: 3500 }), row(2, { parentId: 1 })];
    const thread = threadView(row(1), replies, more, viewer, 0);
    expect(thread?.replies.map((r) => r.id)).toEqual(shown);
    expect(thread?.moreReplies).toBe(more);
    expect(thread?.moreRepliesCursor).toBe(cursorAfter('oldest', row(lastId)));
  });

  it.each([
    ['a hidden thread with no reply shown is no thread for a reader', reader, null],
    ['but is for a moderator', admin, 1],
  ])('%s', (_name, viewer, id) => {
    const thread = threadView(row(1, { hiddenAt: 1500 }), [row(2, { parentId: 1, hiddenAt: 2500 })], 0, viewer, 0);
    expect(thread?.id ?? null).toBe(id);
  });
});
