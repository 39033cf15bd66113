import { describe, expect, it } from 'vitest';
import { PageMemory, type KeptPage } from '../../src/lib/platform/http/page-memory.server.ts';
import { etagMatches, strongEtag } from '../../src/lib/platform/http/etag.ts';

const page = (text: string, keptAt = 0): KeptPage => ({
  status: 200,
  headers: { 'content-type': 'text/html' },
  body: Buffer.from(text),
  etag: strongEtag(text),
  keptAt,
});

describe('PageMemory', () => {
  it('gives a kept page back until its age limit, then forgets it', () => {
    const memory = new PageMemory({ ttlMs: 1000 });
    memory.set('a', page('A', 0));
    expect(memory.get('a', 999)?.body.toString()).toBe('A');
    expect(memory.get('a', 1000)).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it('keeps at most maxEntries, the least recently used leaving first', () => {
    const memory = new PageMemory({ maxEntries: 2 });
    memory.set('a', page('A'));
    memory.set('b', page('B'));
    memory.get('a', 0); // now the most recent
    memory.set('c', page('C'));
    expect(memory.get('b', 0)).toBeUndefined();
    expect(memory.get('a', 0)?.body.toString()).toBe('A');
    expect(memory.get('c', 0)?.body.toString()).toBe('C');
  });

  it('keeps at most maxBytes of pages and keys, and never one page larger than that', () => {
    const memory = new PageMemory({ maxBytes: 25 });
    memory.set('a', page('x'.repeat(10)));
    memory.set('b', page('y'.repeat(10)));
    expect(memory.size).toBe(2);
    memory.set('c', page('z'.repeat(10)));
    expect(memory.size).toBe(2);
    expect(memory.get('a', 0)).toBeUndefined();
    memory.set('huge', page('h'.repeat(100)));
    expect(memory.get('huge', 0)).toBeUndefined();
    expect(memory.size).toBe(2);
  });

  it('replaces a key’s page rather than counting it twice', () => {
    const memory = new PageMemory({ maxBytes: 20 });
    for (let i = 0; i < 10; i++) memory.set('a', page(`${i}`.repeat(10)));
    expect(memory.get('a', 0)?.body.toString()).toBe('9'.repeat(10));
    memory.set('b', page('b'.repeat(8)));
    expect(memory.size).toBe(2);
  });
});

describe('ETags', () => {
  it('are strong, from the bytes, and If-None-Match compares them weakly, lists and * included', () => {
    const etag = strongEtag('<p>hi</p>');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(strongEtag('<p>hi</p>')).toBe(etag);
    expect(strongEtag('<p>hi!</p>')).not.toBe(etag);
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`W/${etag}`, etag)).toBe(true);
    expect(etagMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches(null, etag)).toBe(false);
  });
});
