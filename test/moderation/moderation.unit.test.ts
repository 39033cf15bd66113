import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type CommentCursor } from '../../src/lib/comments/cursor.ts';
import { blockFormSchema, reportFormSchema, reportSchema } from '../../src/lib/moderation/schemas.ts';

describe('comment cursors', () => {
  it.each<[CommentCursor]>([
    [{ order: 'newest', createdAt: 0, id: 1 }],
    [{ order: 'oldest', createdAt: 1_764_633_600_000, id: 42 }],
    [{ order: 'newest', createdAt: 999_999_999_999_999, id: 999_999_999_999_999 }],
  ])('round-trips %j', (cursor) => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('round-trips every cursor it can make, in URL-safe characters', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'newest' | 'oldest'>('newest', 'oldest'),
        fc.integer({ min: 0, max: 999_999_999_999_999 }),
        fc.integer({ min: 1, max: 999_999_999_999_999 }),
        (order, createdAt, id) => {
          const encoded = encodeCursor({ order, createdAt, id });
          expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(decodeCursor(encoded)).toEqual({ order, createdAt, id });
        },
      ),
    );
  });

  it.each([
    '',
    'garbage!',
    '%FF',
    Buffer.from('x:1:2').toString('base64url'),
    Buffer.from('n:1').toString('base64url'),
    Buffer.from('n:-1:2').toString('base64url'),
    Buffer.from('n:1:2:3').toString('base64url'),
    Buffer.from('n:1.5:2').toString('base64url'),
    Buffer.from(`n:${'9'.repeat(16)}:2`).toString('base64url'),
    'A'.repeat(65),
  ])('refuses %j', (raw) => {
    expect(decodeCursor(raw)).toBeNull();
  });
});

describe('moderation inputs', () => {
  it.each([
    [{ reason: 'spam' }, true],
    [{ reason: 'off-topic', note: '  why  ' }, true],
    [{ reason: 'other', note: 'x'.repeat(500) }, true],
    [{ reason: 'other', note: 'x'.repeat(501) }, false],
    [{ reason: 'other', note: 'bell\u0007' }, false],
    [{ reason: 'rude' }, false],
    [{}, false],
  ])('report %j is accepted: %s', (input, ok) => {
    expect(reportSchema.safeParse(input).success).toBe(ok);
  });

  it('trims the note and takes the comment id from a form', () => {
    expect(reportFormSchema.parse({ slug: 'p', commentId: '7', reason: 'scam', note: ' n ' })).toEqual({
      slug: 'p',
      commentId: 7,
      reason: 'scam',
      note: 'n',
    });
  });

  const address = `0x${'ab'.repeat(20)}`;
  it.each([
    ['', null],
    [null, null],
    [undefined, null],
    ['2026-03-01', Date.UTC(2026, 2, 1, 23, 59, 59, 999)],
    ['2024-02-29', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['2026-02-30', 'invalid'],
    ['2026-3-1', 'invalid'],
    ['tomorrow', 'invalid'],
  ])('a block ending on %j ends at %s', (endsOn, expected) => {
    const parsed = blockFormSchema.safeParse({ address, reason: 'spam', endsOn });
    if (expected === 'invalid') expect(parsed.success).toBe(false);
    else expect(parsed.success && parsed.data.endsOn).toBe(expected);
  });

  it.each([
    [{ address, reason: '   ' }, false],
    [{ address: '0x123', reason: 'spam' }, false],
    [{ address: ` ${address} `, reason: 'spam' }, true],
  ])('block %j is accepted: %s', (input, ok) => {
    expect(blockFormSchema.safeParse(input).success).toBe(ok);
  });
});
