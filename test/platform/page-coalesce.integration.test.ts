import { BlockList } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSiteServer,
  type Application,
  type AstroHandler,
} from '../../src/lib/platform/http/http-server.server.ts';
import { PageMemory } from '../../src/lib/platform/http/page-memory.server.ts';
import { routeTable } from '../../src/lib/platform/http/routes.ts';
import { SiteOrigin } from '../../src/lib/platform/http/site-origin.ts';
import { Drain } from '../../src/lib/platform/runtime/drain.server.ts';

/**
 * When a page's version changes, every reader who asks before its new page is kept would have it rendered
 * again: a shared link during a vote rush renders the same page once per reader in that window. The server
 * renders it once and sends the others what that render kept. A render that keeps nothing (an error, a
 * client gone) lets the waiting readers through to render their own.
 */

type Reader = { cookie: boolean };

function server(astro: AstroHandler, version: () => string) {
  const app: Application<null, Reader> = {
    services: null,
    site: SiteOrigin.local(0),
    trustedProxies: new BlockList(),
    maxConnections: 1000,
    readContext: async (facts) => ({ cookie: facts.header('cookie') !== null }),
    refusal: () => null,
    finish: (result) => result,
    hasReaderState: (reader) => reader.cookie,
  };
  const site = createSiteServer({
    app,
    staticFiles: new Map(),
    fastRoutes: [],
    pageRoutes: [{ route: '/page', version: async () => version() }],
    pageMemory: new PageMemory(),
    routes: routeTable([{ pattern: '/page', regex: '^\\/page\\/?$', kind: 'page', prerendered: false, handlers: [] }]),
    astro,
    notFoundPage: () => null,
    drain: new Drain(),
  });
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    site.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(site.address() as AddressInfo).port}/page`,
        close: () => site.close(),
      }),
    ),
  );
}

let running: { close: () => void } | null = null;
afterEach(() => running?.close());

/** Astro as the server sees it: renders after `delayMs`, counting its renders; `fail` answers 500 instead. */
function slowAstro(delayMs: number, fail: (render: number) => boolean = () => false) {
  const renders: string[] = [];
  const astro: AstroHandler = async (req, res) => {
    const render = renders.push(req.url ?? '');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (fail(render)) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('failed');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<p>render ${renders.length}</p>`);
  };
  return { astro, renders };
}

describe('a page whose version changed, asked for by many readers at once', () => {
  it('is rendered once, and every reader gets that render', async () => {
    const { astro, renders } = slowAstro(300);
    let version = 'v1';
    const site = await server(astro, () => version);
    running = site;
    const first = await Promise.all(Array.from({ length: 20 }, () => fetch(site.url).then((r) => r.text())));
    expect(renders).toHaveLength(1);
    expect(new Set(first)).toEqual(new Set(['<p>render 1</p>']));

    version = 'v2';
    const second = await Promise.all(Array.from({ length: 20 }, () => fetch(site.url).then((r) => r.text())));
    expect(renders).toHaveLength(2);
    expect(new Set(second)).toEqual(new Set(['<p>render 2</p>']));
  });

  it('lets the waiting readers render their own when the render keeps nothing', async () => {
    const { astro, renders } = slowAstro(200, (render) => render === 1);
    const site = await server(astro, () => 'v1');
    running = site;
    const answers = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        // The first asks alone, so it is the render the others wait for.
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        return (await fetch(site.url)).status;
      }),
    );
    expect(answers.filter((status) => status === 500)).toHaveLength(1);
    expect(answers.filter((status) => status === 200)).toHaveLength(4);
    // The waiting readers rendered their own once the first failed; none was left waiting.
    expect(renders.length).toBeGreaterThan(1);
    expect(renders.length).toBeLessThanOrEqual(5);
  });
});
