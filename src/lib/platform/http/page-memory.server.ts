import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { strongEtag } from './etag.ts';

/**
 * Pages rendered on demand, kept in memory by everything their body was
 * built from (see PageRoute.version in http-server.server.ts): a page a
 * shared link opens is rendered once per version and then sent from here, at
 * the cost of a static file, until something it shows changes.
 *
 * What a route's version leaves out (a snapshot's arrival on another
 * instance, say) is bounded by `ttlMs`: no entry is served older than that.
 * Memory is bounded by entries and bytes; the least recently used goes first.
 */

export interface KeptPage {
  status: number;
  /** The page's own headers (content type, policies), without those every answer carries or per reader. */
  headers: Record<string, string>;
  /** Encoded once, so a hit sends bytes as a static file does. */
  body: Buffer;
  etag: string;
  keptAt: number;
}

export interface PageMemoryOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}

export const PAGE_MEMORY_DEFAULTS: PageMemoryOptions = { maxEntries: 2_000, maxBytes: 64 * 1024 * 1024, ttlMs: 30_000 };

export class PageMemory {
  private readonly kept = new Map<string, KeptPage>();
  /** Renders under way: a version that just changed is rendered once, not by every reader who asks meanwhile. */
  private readonly rendering = new Map<string, Promise<void>>();
  private bytes = 0;
  private readonly options: PageMemoryOptions;

  constructor(options: Partial<PageMemoryOptions> = {}) {
    this.options = { ...PAGE_MEMORY_DEFAULTS, ...options };
  }

  get size(): number {
    return this.kept.size;
  }

  get(key: string, now: number): KeptPage | undefined {
    const page = this.kept.get(key);
    if (!page) return undefined;
    if (now - page.keptAt >= this.options.ttlMs) {
      this.delete(key, page);
      return undefined;
    }
    // Least recently used first: a hit moves to the end.
    this.kept.delete(key);
    this.kept.set(key, page);
    return page;
  }

  /** The render of `key` under way, if any: a reader who misses waits for it and is then sent what it kept. */
  renderOf(key: string): Promise<void> | undefined {
    return this.rendering.get(key);
  }

  /** Marks `key` as being rendered; what it returns marks the render over, kept or not (once is enough). */
  startRender(key: string): () => void {
    let over = (): void => {};
    const render = new Promise<void>((resolve) => (over = resolve));
    this.rendering.set(key, render);
    return () => {
      if (this.rendering.get(key) === render) this.rendering.delete(key);
      over();
    };
  }

  set(key: string, page: KeptPage): void {
    const old = this.kept.get(key);
    if (old) this.delete(key, old);
    const size = page.body.length + key.length;
    if (size > this.options.maxBytes) return;
    this.kept.set(key, page);
    this.bytes += size;
    for (const [k, p] of this.kept) {
      if (this.kept.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      this.delete(k, p);
    }
  }

  private delete(key: string, page: KeptPage): void {
    this.kept.delete(key);
    this.bytes -= page.body.length + key.length;
  }
}

/** Headers a kept page does not keep: per connection, per reader, or set again on every answer. */
const NOT_KEPT = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'set-cookie',
  'cache-control',
  'etag',
  'vary',
]);

function headerText(value: OutgoingHttpHeader | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * Watches what Astro writes to `res` and, once it ends, hands over the page
 * as sent (null when it was not a complete 200 without a cookie, which is
 * never kept). The answer itself goes to the client unchanged. `common`
 * names the headers every answer carries, which are set again when a kept
 * page is sent.
 */
export function watchPage(
  res: ServerResponse,
  common: ReadonlySet<string>,
  done: (page: KeptPage | null) => void,
): void {
  const chunks: Buffer[] = [];
  let headed: OutgoingHttpHeaders = {};
  const { writeHead, write, end } = res;
  const take = (chunk: unknown, encoding?: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array),
    );
  };
  res.writeHead = function watchedWriteHead(this: ServerResponse, ...args: unknown[]) {
    const headers = args.find((a) => typeof a === 'object' && a !== null);
    if (Array.isArray(headers)) {
      const flat = headers.flat() as string[];
      for (let i = 0; i + 1 < flat.length; i += 2) headed[String(flat[i]).toLowerCase()] = flat[i + 1];
    } else if (headers) {
      headed = { ...headed, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  res.write = function watchedWrite(this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    take(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
  } as ServerResponse['write'];
  res.end = function watchedEnd(this: ServerResponse, ...args: unknown[]) {
    take(args[0], args[1]);
    const result = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    const headers = { ...res.getHeaders(), ...headed };
    const complete = res.statusCode === 200 && headers['set-cookie'] === undefined && !res.destroyed;
    if (!complete) {
      done(null);
      return result;
    }
    const body = Buffer.concat(chunks);
    const own: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const text = headerText(value);
      if (text !== null && !NOT_KEPT.has(name) && !common.has(name)) own[name] = text;
    }
    done({ status: 200, headers: own, body, etag: strongEtag(body), keptAt: Date.now() });
    return result;
  } as ServerResponse['end'];
}
