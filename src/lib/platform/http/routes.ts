import { problemResult, type ApiResult } from './results.ts';

/**
 * The site's file routes as the build resolved them (src/pages/**), with the
 * methods each one serves: the one table that says which requests a route
 * takes, written by the build (route-table.server.ts) and read by the
 * server's front door before Astro sees a request.
 */

/** Methods Node hands to Astro's request handler; any other one is refused at the door. */
export const ROUTABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ROUTABLE = new Set<string>(ROUTABLE_METHODS);

export const HTTP_HANDLERS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ALL'] as const;
export type HttpHandler = (typeof HTTP_HANDLERS)[number];

export interface RouteEntry {
  /** The route as written in src/pages, e.g. `/api/polls/[id]/votes`. */
  pattern: string;
  /** The source of the regular expression Astro matches paths with. */
  regex: string;
  kind: 'endpoint' | 'page';
  prerendered: boolean;
  /** An endpoint's exported handlers; empty for a page. */
  handlers: HttpHandler[];
}

export interface RouteTable {
  /** In Astro's priority order: the first match is the route Astro would take. */
  routes: { entry: RouteEntry; regex: RegExp }[];
}

export function routeTable(entries: readonly RouteEntry[]): RouteTable {
  return { routes: entries.map((entry) => ({ entry, regex: new RegExp(entry.regex) })) };
}

/** The first route whose pattern matches a decoded path, as Astro would choose it. */
export function matchRoute(table: RouteTable, pathname: string): RouteEntry | null {
  for (const route of table.routes) if (route.regex.test(pathname)) return route.entry;
  return null;
}

/**
 * A matcher for a file route's pattern as written in src/pages, for a path as it arrives (not decoded): each
 * `[name]` segment takes `params[name]` (a regular expression's source; by default one segment, as Astro's own
 * matcher takes it) and comes back by name in the match's `groups`; the path may end in a slash, as
 * `trailingSlash: 'ignore'` lets it, unless its last segment names a file (`ballots.csv`), as in Astro's.
 * A rest parameter (`[...locale]`) is taken only when `params` gives its pattern (it may then be absent, as
 * the default language's prefix is); a parameter inside a segment is never taken.
 *
 * @example routePatternRegex('/api/polls/[id]/votes', { id: '[a-z0-9-]+' }).exec('/api/polls/btc/votes/')?.groups
 * // { id: 'btc' }
 */
export function routePatternRegex(pattern: string, params: Readonly<Record<string, string>> = {}): RegExp {
  const segments = pattern.split('/').slice(1);
  const source = segments.map((segment) => {
    const rest = /^\[\.\.\.([A-Za-z_]\w*)\]$/.exec(segment)?.[1];
    // A rest parameter only where its pattern is given: a prefix such as the language (`[...locale]`, 'zh').
    if (rest && params[rest] !== undefined) return `(?:\\/(?<${rest}>${params[rest]}))?`;
    const param = /^\[([A-Za-z_]\w*)\]$/.exec(segment)?.[1];
    if (param) return `\\/(?<${param}>${params[param] ?? '[^/]+?'})`;
    if (segment.includes('[')) throw new Error(`routePatternRegex: "${pattern}" has a parameter it does not take`);
    return `\\/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  });
  const file = (segments.at(-1) ?? '').includes('.');
  return new RegExp(`^${source.join('')}${file ? '' : '\\/?'}$`);
}

/**
 * The methods a route serves, for `Allow`. A prerendered page exists only as
 * a file (GET, HEAD); a page rendered on demand also takes the form posts of
 * Astro Actions (POST to the page itself); an endpoint takes what it exports,
 * HEAD with GET (Astro answers it from GET), and OPTIONS, which the door
 * answers. A path no route matches is only ever answered by the 404 page.
 *
 * @example allowedMethods({ kind: 'endpoint', handlers: ['POST'], ... }) // ['POST', 'OPTIONS']
 */
export function allowedMethods(route: RouteEntry | null): string[] {
  if (!route) return ['GET', 'HEAD'];
  if (route.kind === 'page') return route.prerendered ? ['GET', 'HEAD'] : ['GET', 'HEAD', 'POST'];
  if (route.handlers.includes('ALL')) return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  const methods: string[] = [];
  for (const handler of route.handlers) {
    methods.push(handler);
    if (handler === 'GET') methods.push('HEAD');
  }
  if (!methods.includes('OPTIONS')) methods.push('OPTIONS');
  return methods;
}

/** The largest number of times Astro decodes a path (core/util/pathname.js) before it gives up. */
const MAX_DECODES = 10;

/**
 * The path as Astro will decode it, or null when its percent-encoding is
 * malformed (Astro would throw, log an error and answer 500).
 */
export function decodePath(pathname: string): string | null {
  let current = pathname;
  for (let i = 0; i <= MAX_DECODES; i++) {
    let decoded: string;
    try {
      decoded = decodeURI(current);
    } catch {
      // Astro refuses a malformed first decoding; a later one it keeps as it stands.
      return i === 0 ? null : current;
    }
    if (decoded === current) return current;
    current = decoded;
  }
  return null;
}

export type Screened =
  { pass: true } | { pass: false; result: ApiResult; closeConnection?: boolean; reason: 'method' | 'encoding' };

/**
 * What the front door does with a request Astro would take: pass it, or
 * refuse it cleanly (a method the route does not serve: 405 with `Allow`;
 * OPTIONS: 204 with `Allow`; a malformed percent-encoding: 400). Without
 * this, Astro answers TRACE with a 500 and a stack trace in the log, an
 * unserved method with the HTML 404 page, and a bad encoding with a 500.
 */
export function screenRequest(table: RouteTable, method: string, url: string): Screened {
  const rawPath = url.split('?', 1)[0] ?? '/';
  const path = decodePath(rawPath);
  if (path === null)
    return {
      pass: false,
      reason: 'encoding',
      result: problemResult(400, 'bad_request', 'The address has a malformed percent-encoding.'),
    };
  const route = matchRoute(table, path);
  const allow = allowedMethods(route);
  if (method === 'OPTIONS' && route)
    return {
      pass: false,
      reason: 'method',
      result: { status: 204, headers: { allow: allow.join(', '), 'cache-control': 'no-store' }, body: '' },
    };
  // An unmatched path is Astro's 404 page, for any method Astro can carry.
  if (!route && ROUTABLE.has(method)) return { pass: true };
  if (allow.includes(method)) return { pass: true };
  return {
    pass: false,
    reason: 'method',
    result: problemResult(
      405,
      'method_not_allowed',
      `This address does not take ${method} requests; it takes ${allow.join(', ')}.`,
      {},
      { allow: allow.join(', ') },
    ),
  };
}
