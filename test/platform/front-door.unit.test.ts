import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeLogText, LogThrottle } from '../../src/lib/platform/runtime/log.ts';
import { exportedHandlers } from '../../src/lib/platform/http/route-table.server.ts';
import {
  allowedMethods,
  decodePath,
  matchRoute,
  routePatternRegex,
  routeTable,
  screenRequest,
  type RouteEntry,
} from '../../src/lib/platform/http/routes.ts';

/** A few of the site's routes, as dist/routes.json lists them (Astro's priority order). */
const ENTRIES: RouteEntry[] = [
  {
    pattern: '/api/polls/[id]/votes',
    regex: '^\\/api\\/polls\\/([^/]+?)\\/votes\\/?$',
    kind: 'endpoint',
    prerendered: false,
    handlers: ['POST'],
  },
  {
    pattern: '/api/polls/[id]',
    regex: '^\\/api\\/polls\\/([^/]+?)\\/?$',
    kind: 'endpoint',
    prerendered: false,
    handlers: ['GET'],
  },
  {
    pattern: '/api/posts/[slug]/comments/[id]',
    regex: '^\\/api\\/posts\\/([^/]+?)\\/comments\\/([^/]+?)\\/?$',
    kind: 'endpoint',
    prerendered: false,
    handlers: ['PATCH', 'DELETE'],
  },
  { pattern: '/api/any', regex: '^\\/api\\/any\\/?$', kind: 'endpoint', prerendered: false, handlers: ['ALL'] },
  {
    pattern: '/[...locale]/polls/[id]',
    regex: '^(?:\\/(.*?))?\\/polls\\/([^/]+?)\\/?$',
    kind: 'page',
    prerendered: false,
    handlers: [],
  },
  {
    pattern: '/[...locale]/posts/[slug]',
    regex: '^(?:\\/(.*?))?\\/posts\\/([^/]+?)\\/?$',
    kind: 'page',
    prerendered: true,
    handlers: [],
  },
];
const TABLE = routeTable(ENTRIES);

describe('matchRoute', () => {
  it.each([
    ['/api/polls/p1/votes', '/api/polls/[id]/votes'],
    ['/api/polls/p1', '/api/polls/[id]'],
    ['/api/polls/p1/', '/api/polls/[id]'],
    ['/zh/polls/p1/', '/[...locale]/polls/[id]'],
    ['/posts/a/', '/[...locale]/posts/[slug]'],
    ['/nowhere/at/all', null],
  ])('%s → %s', (path, pattern) => {
    expect(matchRoute(TABLE, path)?.pattern ?? null).toBe(pattern);
  });
});

describe('routePatternRegex', () => {
  /** Astro's regexes for patterns without a rest parameter, a file route's among them (no trailing slash). */
  const ASTRO = [
    ...ENTRIES.filter((e) => !e.pattern.includes('...')),
    { pattern: '/api/polls/[id]/ballots.csv', regex: '^\\/api\\/polls\\/([^/]+?)\\/ballots\\.csv$' },
  ];

  it.each(ASTRO.map((e) => [e.pattern, e.regex]))('%s matches the paths Astro matches', (pattern, regex) => {
    const astro = new RegExp(regex);
    const mine = routePatternRegex(pattern);
    const segment = fc.constantFrom('api', 'polls', 'posts', 'p1', 'votes', 'comments', 'ballots.csv', '', 'x.y');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        const path = `/${segments.join('/')}`;
        expect(mine.test(path), path).toBe(astro.test(path));
      }),
    );
  });

  it('names its parameters, each held to its own pattern where one is given', () => {
    const regex = routePatternRegex('/api/posts/[slug]/comments/[id]', { id: '\\d+' });
    expect({ ...regex.exec('/api/posts/a-b/comments/12/')?.groups }).toEqual({ slug: 'a-b', id: '12' });
    expect(regex.test('/api/posts/a-b/comments/x')).toBe(false);
  });

  it('refuses a rest parameter', () => {
    expect(() => routePatternRegex('/[...locale]/polls')).toThrow(/parameter/);
  });

  it('takes a rest parameter whose pattern is given, as an optional prefix', () => {
    const regex = routePatternRegex('/[...locale]/polls/[id]', { locale: 'zh' });
    expect({ ...regex.exec('/polls/p1/')?.groups }).toEqual({ locale: undefined, id: 'p1' });
    expect({ ...regex.exec('/zh/polls/p1')?.groups }).toEqual({ locale: 'zh', id: 'p1' });
    for (const path of ['/fr/polls/p1/', '/zh/polls/', '/polls/p1/embed', '/zhpolls/p1/'])
      expect(regex.test(path), path).toBe(false);
  });
});

describe('allowedMethods', () => {
  it.each([
    [null, ['GET', 'HEAD']],
    [ENTRIES[0], ['POST', 'OPTIONS']],
    [ENTRIES[1], ['GET', 'HEAD', 'OPTIONS']],
    [ENTRIES[2], ['PATCH', 'DELETE', 'OPTIONS']],
    [ENTRIES[3], ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']],
    [ENTRIES[4], ['GET', 'HEAD', 'POST']],
    [ENTRIES[5], ['GET', 'HEAD']],
  ])('%o allows %j', (route, methods) => {
    expect(allowedMethods(route ?? null)).toEqual(methods);
  });
});

describe('decodePath', () => {
  it.each([
    ['/posts/a/', '/posts/a/'],
    ['/api/tokens/x%0d%0aFORGED/snapshots', '/api/tokens/x\r\nFORGED/snapshots'],
    ['/%E4%B8%AD/', '/中/'],
    // Decoded again, as Astro does, until it stands still.
    ['/%2541/', '/A/'],
    ['/%zz/', null],
    ['/api/tokens/%E0%A4%A/snapshots', null],
    ['/%E0%A4%A8%', null],
  ])('%s → %j', (path, decoded) => {
    expect(decodePath(path)).toBe(decoded);
  });

  it('never throws, whatever the path', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const decoded = decodePath(`/${s}`);
        expect(decoded === null || typeof decoded === 'string').toBe(true);
      }),
    );
  });
});

describe('screenRequest', () => {
  it.each([
    ['POST', '/api/polls/p1/votes', true, null],
    ['GET', '/api/polls/p1?x=%zz', true, null],
    ['HEAD', '/api/polls/p1', true, null],
    ['GET', '/zh/polls/p1/', true, null],
    ['POST', '/zh/polls/p1/?_action=vote', true, null],
    ['PUT', '/api/any', true, null],
    ['DELETE', '/nowhere', true, null],
    ['GET', '/api/polls/p1/votes', false, 405],
    ['PUT', '/api/polls/p1/votes', false, 405],
    ['TRACE', '/api/polls/p1', false, 405],
    ['TRACE', '/nowhere', false, 405],
    ['POST', '/posts/a/', false, 405],
    ['OPTIONS', '/api/polls/p1/votes', false, 204],
    ['GET', '/posts/%zz/', false, 400],
  ])('%s %s passes: %s (else %s)', (method, url, pass, status) => {
    const screened = screenRequest(TABLE, method, url);
    expect(screened.pass).toBe(pass);
    if (!screened.pass) expect(screened.result.status).toBe(status);
  });

  it('names the methods in Allow and in the message, as JSON', () => {
    const screened = screenRequest(TABLE, 'GET', '/api/polls/p1/votes');
    if (screened.pass) throw new Error('passed');
    expect(screened.result.headers.allow).toBe('POST, OPTIONS');
    expect(JSON.parse(screened.result.body)).toEqual({
      error: 'method_not_allowed',
      message: 'This address does not take GET requests; it takes POST, OPTIONS.',
    });
  });
});

describe('exportedHandlers', () => {
  it.each([
    ['export const GET: APIRoute = async () => x;\nexport const POST: APIRoute = () => y;', ['GET', 'POST']],
    ['export async function PATCH() {}\nexport function DELETE() {}', ['PATCH', 'DELETE']],
    ['export const prerender = false;\nexport const getStaticPaths = () => [];\nexport const ALL = h;', ['ALL']],
    ['const GET = 1;\n// export const PUT = 2;', []],
  ])('%j → %j', (source, handlers) => {
    expect(exportedHandlers(source)).toEqual(handlers);
  });
});

describe('escapeLogText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['x\r\nforged line', 'x\\r\\nforged line'],
    ['tab\tstays', 'tab\tstays'],
    ['\u001b[31mred', '\\u001b[31mred'],
    ['a\u2028b', 'a\\u2028b'],
    ['中文 stays', '中文 stays'],
  ])('%j → %j', (text, escaped) => {
    expect(escapeLogText(text)).toBe(escaped);
  });

  it('always gives one line', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !/[\r\n]/.test(escapeLogText(s))));
  });
});

describe('LogThrottle', () => {
  it('lets one line of a kind through per window and counts the rest', () => {
    const throttle = new LogThrottle(60_000);
    expect(throttle.admit('a', 'first', 0)).toBe('first');
    expect(throttle.admit('a', 'again', 1_000)).toBeNull();
    expect(throttle.admit('b', 'other kind', 1_000)).toBe('other kind');
    expect(throttle.admit('a', 'again', 59_999)).toBeNull();
    expect(throttle.admit('a', 'later', 60_000)).toBe('later (2 more since the last such line)');
    expect(throttle.admit('a', 'much later', 200_000)).toBe('much later');
  });
});
