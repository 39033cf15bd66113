import { describe, expect, it } from 'vitest';
import { escapeHtml, renderCommentBody } from '../../src/lib/comments/render.ts';
import { buildThreads, canEdit, EDIT_WINDOW_MS, type CommentRow } from '../../src/lib/comments/rules.ts';
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

  it('lets the author edit for 15 minutes only', () => {
    const author = { address: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', isAdmin: false };
    expect(canEdit(row(1), author, 1000 + EDIT_WINDOW_MS - 1)).toBe(true);
    expect(canEdit(row(1), author, 1000 + EDIT_WINDOW_MS)).toBe(false);
    expect(canEdit(row(1), admin, 1001)).toBe(false);
  });
});
