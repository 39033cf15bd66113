import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { framePolicy, withInlineScriptHashes } from './security-headers.ts';

/**
 * Serves the prerendered site from memory, compressed ahead of time. The
 * adapter's static handler reads and streams files per request and never
 * compresses; static pages are most of the traffic, so they get the fast path.
 * The build writes each compressible file's gzip and brotli forms beside it
 * (`x.html.gz`, `x.html.br`, which nginx's gzip_static serves too), so the
 * server only reads them: compressing at start, at brotli's best quality,
 * left about 9 MB more resident in every instance.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  // The search index (Pagefind): its wasm and data files come compressed already.
  '.pagefind': 'application/octet-stream',
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
};
const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.xml', '.txt', '.svg']);
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface StaticFile {
  type: string;
  etag: string;
  cacheControl: string;
  identity: Buffer;
  gzip: Buffer | null;
  brotli: Buffer | null;
  /** An HTML page's Content-Security-Policy: Astro's (with its hashes) and the frame policy; null for other files. */
  policies: string[] | null;
}

function cacheControlFor(path: string): string {
  // Astro fingerprints everything under /_astro/, so those never change.
  if (path.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
  if (path.endsWith('.html')) return 'public, max-age=0, must-revalidate';
  // The search index: its data files are named by their hash; its entry points and wasm are not, and change per build.
  if (path.startsWith('/pagefind/')) {
    return /\.pf_(meta|index|fragment)$/.test(path)
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=0, must-revalidate';
  }
  return 'public, max-age=3600';
}

const ENCODINGS = {
  gzip: { suffix: '.gz', compress: (data: Buffer) => gzipSync(data, { level: 9 }) },
  brotli: {
    suffix: '.br',
    compress: (data: Buffer) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  },
} as const;

function isCompressible(file: string, size: number): boolean {
  return COMPRESSIBLE.has(extname(file)) && size > 512 && size <= MAX_FILE_BYTES;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Astro's policy for each prerendered page (the node adapter's staticHeaders
 * file, dist/_headers.json), keyed by the HTML file that page is (under
 * `clientDir`), with the hashes of every inline script that file holds.
 */
export function readPagePolicies(headersFile: string, clientDir: string): Map<string, string> {
  const policies = new Map<string, string>();
  if (!existsSync(headersFile)) return policies;
  const entries = JSON.parse(readFileSync(headersFile, 'utf8')) as {
    pathname: string;
    headers: { key: string; value: string }[];
  }[];
  for (const { pathname, headers } of entries) {
    const policy = headers.find((h) => h.key.toLowerCase() === 'content-security-policy')?.value;
    if (!policy) continue;
    const file = pathname === '/' ? '/index.html' : `${pathname.replace(/\/$/, '')}/index.html`;
    const html = join(clientDir, file);
    policies.set(file, existsSync(html) ? withInlineScriptHashes(policy, readFileSync(html, 'utf8')) : policy);
  }
  return policies;
}

/** Loads dist/client into memory, keyed by URL path, with each page's policy from dist/_headers.json. */
export function loadStaticFiles(clientDir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const policies = readPagePolicies(join(clientDir, '..', '_headers.json'), clientDir);
  for (const file of walk(clientDir)) {
    const ext = extname(file);
    const type = TYPES[ext];
    if (!type || statSync(file).size > MAX_FILE_BYTES) continue;
    const path = `/${relative(clientDir, file).split(sep).join('/')}`;
    const identity = readFileSync(file);
    const compress = isCompressible(file, identity.length);
    // A form the build did not write (a directory from elsewhere) is made here.
    const encoded = (encoding: keyof typeof ENCODINGS): Buffer | null => {
      if (!compress) return null;
      const { suffix, compress: make } = ENCODINGS[encoding];
      return existsSync(file + suffix) ? readFileSync(file + suffix) : make(identity);
    };
    files.set(path, {
      type,
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      cacheControl: cacheControlFor(path),
      identity,
      gzip: encoded('gzip'),
      brotli: encoded('brotli'),
      // No prerendered page is the embed page: every one may be framed only by this site.
      policies:
        ext === '.html' ? [policies.get(path), framePolicy(path, "'self'")].filter((p) => p !== undefined) : null,
    });
  }
  return files;
}

/** Writes the gzip and brotli forms of every compressible file under `clientDir` beside it. */
export function precompressStaticFiles(clientDir: string): number {
  let written = 0;
  for (const file of walk(clientDir)) {
    if (!TYPES[extname(file)]) continue;
    const identity = readFileSync(file);
    if (!isCompressible(file, identity.length)) continue;
    for (const { suffix, compress } of Object.values(ENCODINGS)) writeFileSync(file + suffix, compress(identity));
    written++;
  }
  return written;
}

/**
 * The integration that precompresses dist/client once the build is done. It
 * must come after every integration that writes files there (the sitemap, the
 * search index), so astro.config.mjs lists it last.
 */
export function precompressStatic(): AstroIntegration {
  return {
    name: 'sentiment-desk:precompress',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        logger.info(`${precompressStaticFiles(fileURLToPath(dir))} files compressed (gzip and brotli)`);
      },
    },
  };
}

/** The file a request path names: `/a/` and `/a` both mean `/a/index.html`. */
export function resolveStaticPath(files: Map<string, StaticFile>, pathname: string): StaticFile | null {
  if (pathname.endsWith('/')) return files.get(`${pathname}index.html`) ?? null;
  return files.get(pathname) ?? files.get(`${pathname}/index.html`) ?? null;
}

/**
 * Answers GET/HEAD for a known static file and returns true; otherwise
 * returns false and leaves the response untouched.
 */
export function serveStatic(
  files: Map<string, StaticFile>,
  req: IncomingMessage,
  res: ServerResponse,
  /** Headers every response carries (see securityHeaders), as a flat list of names and values. */
  common: readonly string[],
): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const rawPath = (req.url ?? '/').split('?', 1)[0] ?? '/';
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    return false;
  }
  const file = resolveStaticPath(files, pathname);
  if (!file) return false;

  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, headerList(file, common, null));
    res.end();
    return true;
  }
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const encoding: Encoding =
    file.brotli && /\bbr\b/.test(accepts) ? 'br' : file.gzip && /\bgzip\b/.test(accepts) ? 'gzip' : 'identity';
  res.writeHead(200, headerList(file, common, encoding));
  res.end(req.method === 'HEAD' ? undefined : bodyOf(file, encoding));
  return true;
}

type Encoding = 'identity' | 'gzip' | 'br';

/** The file's bytes in an encoding serveStatic chose (so the file has it). */
function bodyOf(file: StaticFile, encoding: Encoding): Buffer {
  return (encoding === 'br' ? file.brotli : encoding === 'gzip' ? file.gzip : null) ?? file.identity;
}

/**
 * A file's response headers in the flat form writeHead takes, made once per
 * file, set of common headers and encoding (null: a 304, without a body): a
 * page's headers (its policy is over a kilobyte) were otherwise built and set
 * one by one on every request.
 */
function headerList(file: StaticFile, common: readonly string[], encoding: Encoding | null): string[] {
  let byCommon = headerLists.get(file);
  if (!byCommon) headerLists.set(file, (byCommon = new Map()));
  let lists = byCommon.get(common);
  if (!lists) byCommon.set(common, (lists = {}));
  return (lists[encoding ?? 'not-modified'] ??= [
    ...common,
    'content-type',
    file.type,
    'cache-control',
    file.cacheControl,
    'etag',
    file.etag,
    'vary',
    'Accept-Encoding',
    ...(file.policies ?? []).flatMap((policy) => ['content-security-policy', policy]),
    ...(encoding === 'br' || encoding === 'gzip' ? ['content-encoding', encoding] : []),
    ...(encoding === null ? [] : ['content-length', String(bodyOf(file, encoding).length)]),
  ]);
}

const headerLists = new WeakMap<
  StaticFile,
  Map<readonly string[], Partial<Record<Encoding | 'not-modified', string[]>>>
>();
