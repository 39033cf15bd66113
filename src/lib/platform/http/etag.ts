import { createHash } from 'node:crypto';

/**
 * Validators for answers built on demand (pages, cards): a strong ETag from
 * the bytes themselves, so it moves exactly when what the reader gets does,
 * whatever it was built from (the reader's own part included).
 */

/** A strong ETag of `body`: 27 characters of its SHA-256. */
export function strongEtag(body: string | Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 asks for GET and HEAD). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''));
}

/**
 * Cache-Control of a page rendered on demand. A reader without a `voter` or
 * `session` cookie gets what every such reader gets: nginx or a CDN may keep
 * it a second and serve it stale for ten while it asks again, so instances
 * multiply rather than repeat the work. A reader with either cookie, or an
 * answer that sets one, is private: no shared cache may keep it.
 */
export const SHARED_PAGE_CACHE = 'public, max-age=1, stale-while-revalidate=10';
export const PRIVATE_PAGE_CACHE = 'private, no-cache';

/**
 * A page rendered on demand with its validators: an ETag from its bytes, a
 * 304 when the reader holds them, and Cache-Control by who asked (see
 * SHARED_PAGE_CACHE). A page that says `no-store` for itself (an account,
 * moderation) is left as it is, as is anything but a full HTML page.
 */
export async function withPageValidators(
  response: Response,
  request: Request,
  readerState: boolean,
): Promise<Response> {
  const method = request.method;
  if ((method !== 'GET' && method !== 'HEAD') || response.status !== 200) return response;
  if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return response;
  if ((response.headers.get('cache-control') ?? '').includes('no-store')) return response;
  const body = await response.text();
  const etag = strongEtag(body);
  const headers = new Headers(response.headers);
  headers.set('etag', etag);
  headers.set('cache-control', readerState || headers.has('set-cookie') ? PRIVATE_PAGE_CACHE : SHARED_PAGE_CACHE);
  headers.set('vary', 'Cookie');
  if (etagMatches(request.headers.get('if-none-match'), etag)) {
    headers.delete('content-length');
    headers.delete('content-type');
    return new Response(null, { status: 304, headers });
  }
  return new Response(method === 'HEAD' ? null : body, { status: 200, headers });
}
