import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCardPath } from '../../src/lib/cards/urls.ts';
import { pngSize } from '../helpers/png.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** Share cards on the built site: one prerendered Open Graph image per post. */

const OG_DIR = fileURLToPath(new URL('../../dist/client/og/posts/', import.meta.url));

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ timeoutMs: 60_000 });
});
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
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

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('post cards', () => {
  it('are 1200×630 PNGs, one for each post the site lists and no other', async () => {
    const rss = await (await fetch(`${server.url}/rss.xml`)).text();
    const ids = [...rss.matchAll(/<link>[^<]*\/posts\/(.+?)\/<\/link>/g)].map((m) => m[1] ?? '');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const res = await card(server, postCardPath(id));
      expect(res.status, id).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(pngSize(res.bytes)).toEqual({ width: 1200, height: 630 });
    }
    const built = files(OG_DIR).map((file) => relative(OG_DIR, file).split(sep).join('/'));
    expect(built.sort()).toEqual(ids.map((id) => `${id}.png`).sort());
  });

  it('differ from post to post', async () => {
    const rss = await (await fetch(`${server.url}/rss.xml`)).text();
    const ids = [...rss.matchAll(/<link>[^<]*\/posts\/(.+?)\/<\/link>/g)].map((m) => m[1] ?? '');
    const etags = await Promise.all(ids.map(async (id) => (await card(server, postCardPath(id))).headers.get('etag')));
    expect(new Set(etags).size).toBe(ids.length);
  });
});
