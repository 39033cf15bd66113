import { createHash } from 'node:crypto';

/**
 * The headers every response carries, in one place for the three servers of
 * a page (Astro's pipeline, the static-file tier, nginx). Pure.
 *
 * A page's Content-Security-Policy is two policies, both enforced: Astro's
 * (script-src and style-src with the hashes of what it emitted, plus
 * CSP_DIRECTIVES) and the frame policy here, which differs by page.
 */

/** The fixed directives of Astro's policy (astro.config.mjs security.csp). */
export const CSP_DIRECTIVES = [
  "default-src 'self'",
  // Wallet icons are data: URIs (EIP-6963); identicons are inline SVG.
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
] as const;

/**
 * What the site never uses, denied; the copy buttons keep the clipboard. Only
 * features Chromium knows: an unknown one (such as `bluetooth`, which no
 * browser gates by this header) logs a console warning on every page.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'serial=()',
  'usb=()',
  'clipboard-read=()',
  'clipboard-write=(self)',
].join(', ');

/**
 * An HTML response from Astro's pipeline with the page's frame policy added
 * beside Astro's own, and its character set named (a fragment Astro answers
 * as bare `text/html` would be read as windows-1252 when opened directly).
 */
export function withPagePolicy(response: Response, pathname: string, embedAncestors: string): Response {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/html')) return response;
  const headers = new Headers(response.headers);
  headers.append('content-security-policy', framePolicy(pathname, embedAncestors));
  if (!/charset=/i.test(type)) headers.set('content-type', 'text/html; charset=utf-8');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The lines of nginx's `map $uri $page_policy` for the prerendered pages:
 * each page's file path (what `$uri` is once try_files found it) and its
 * directory path, to both policies in one header (a comma joins policies).
 */
export function nginxPolicyMap(policies: ReadonlyMap<string, string>): string {
  const quote = (text: string): string => `"${text.replace(/["\\$]/g, '')}"`;
  return [...policies]
    .flatMap(([file, policy]) => {
      const value = quote(`${policy}, ${framePolicy(file, "'self'")}`);
      const dir = file.replace(/index\.html$/, '');
      return [`    ${quote(file)} ${value};`, ...(dir === file ? [] : [`    ${quote(dir)} ${value};`])];
    })
    .join('\n');
}

/**
 * A page's policy with a hash for every inline script the page holds. Astro
 * hashes the scripts it emits, but a prerendered page's policy can miss a
 * server island's loader (the comments island on posts, seen in Chromium):
 * the page itself is the authority, so the hashes are taken from it.
 */
export function withInlineScriptHashes(policy: string, html: string): string {
  const hashes = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(
      ([, attrs = '', body = '']) =>
        !/\ssrc=/.test(attrs) && !/type="application\/(ld\+)?json"/.test(attrs) && body !== '',
    )
    .map(([, , body = '']) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  const directives = policy.split(';');
  const at = directives.findIndex((d) => d.trim().startsWith('script-src '));
  if (at === -1) return policy;
  const present = new Set(directives[at]?.trim().split(/\s+/));
  const missing = [...new Set(hashes)].filter((hash) => !present.has(hash));
  if (missing.length > 0) directives[at] = `${directives[at]} ${missing.join(' ')}`;
  return directives.join(';');
}

export const HSTS = 'max-age=31536000; includeSubDomains';

/** The one page other sites may frame: the poll embed, in either language. */
export const isEmbedPath = (pathname: string): boolean => /^(?:\/zh)?\/polls\/[^/]+\/embed\/?$/.test(pathname);

/**
 * The frame policy of a page: `'self'` everywhere except the embed page,
 * which takes EMBED_ORIGINS (`*` by default).
 * @example framePolicy('/polls/x/embed/', '*') // 'frame-ancestors *'
 */
export function framePolicy(pathname: string, embedAncestors: string): string {
  return `frame-ancestors ${isEmbedPath(pathname) ? embedAncestors : "'self'"}`;
}

/**
 * Headers for every response. Strict-Transport-Security only when the
 * request came over TLS (directly, or by a trusted proxy's word): over plain
 * HTTP it would be ignored at best and pin a test host to HTTPS at worst.
 */
export function securityHeaders(secure: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': PERMISSIONS_POLICY,
    'cross-origin-opener-policy': 'same-origin',
    ...(secure ? { 'strict-transport-security': HSTS } : {}),
  };
}
