import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAST_ROUTES } from '../../src/app/application.server.ts';
import { readRouteTable } from '../../src/lib/platform/http/route-table.server.ts';
import { decodePath, matchRoute, routePatternRegex } from '../../src/lib/platform/http/routes.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';

/**
 * A fast route speeds up a file route: it names the route it stands in for, takes only paths Astro would give
 * that route, and answers as the route's endpoint file does.
 */

const ROOT = new URL('../../', import.meta.url);
const table = readRouteTable(new URL('dist/', ROOT));

/** A path for each of the build's file routes, a parameter filled in (a poll id, a slug, a locale). */
const samplePaths = table.routes.flatMap(({ entry }) =>
  ['btc', 'open-single', 'x'.repeat(100), 'zh'].map((value) =>
    entry.pattern.replace(/\[\.\.\.[^\]]+\]/g, value).replace(/\[[^\]]+\]/g, value),
  ),
);

describe('the fast routes against the file routes', () => {
  it('the build listed its routes', () => {
    expect(table.routes.length).toBeGreaterThan(10);
  });

  it.each(FAST_ROUTES.map((route) => [`${route.method} ${route.route}`, route] as const))(
    '%s names an endpoint file that serves the method',
    (_name, route) => {
      const entry = table.routes.find((r) => r.entry.pattern === route.route)?.entry;
      expect(entry, `dist/routes.json has no route ${route.route}`).toBeDefined();
      expect(entry?.kind).toBe('endpoint');
      expect(entry?.handlers).toContain(route.method);
      const file = fileURLToPath(new URL(`src/pages${route.route}`, ROOT));
      expect(existsSync(`${file}.ts`) || existsSync(`${file}/index.ts`)).toBe(true);
    },
  );

  it.each(FAST_ROUTES.map((route) => [`${route.method} ${route.route}`, route] as const))(
    '%s takes no path that Astro would give another route, and takes its own',
    (_name, route) => {
      const regex = routePatternRegex(route.route, route.params);
      const own = ['btc', 'open-single', 'a-1', 'x'.repeat(100)].flatMap((id) => {
        const path = route.route.replace('[id]', id);
        return [path, `${path}/`];
      });
      for (const path of own) expect(regex.test(path), path).toBe(true);
      for (const path of [...samplePaths, ...own]) {
        if (regex.test(path)) expect(matchRoute(table, path)?.pattern, path).toBe(route.route);
      }
    },
  );
});

const fixture = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });

/**
 * The same request answered by the fast route and by Astro's file route. The built server gives the path to
 * the fast route first; the seam is the poll id: a fast route takes an id only as lower-case letters, digits
 * and hyphens, which no path encodes, so the same id with one letter percent-encoded passes it by, and the
 * front door and Astro decode it to the same poll, answered by the endpoint file (src/pages/api/polls/[id]/…).
 */
function byAstro(path: string, id: string): string {
  const encoded = `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}`;
  const astroPath = path.replace(`/${id}`, `/${encoded}`);
  // The seam holds: no fast route takes the encoded path, and Astro routes its decoding as the plain one.
  for (const route of FAST_ROUTES) expect(routePatternRegex(route.route, route.params).test(astroPath)).toBe(false);
  expect(decodePath(astroPath)).toBe(path);
  return astroPath;
}

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  body: unknown;
}

async function answer(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${fixture.server.url}${path}`, init);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    body: await response.json(),
  };
}

/** The fast route's answer and the file route's to the same request. */
async function bothAnswers(path: string, id: string, init: RequestInit = {}): Promise<[Answer, Answer]> {
  const fast = await answer(path, init);
  const file = await answer(byAstro(path, id), init);
  return [fast, file];
}

const vote = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});

describe('a fast route answers as its file route', () => {
  it.each([
    ['an open poll', 'open-single'],
    ['a closed poll', 'closed'],
    ['a poll that does not exist', 'no-such-poll'],
  ])('reads the results of %s', async (_name, id) => {
    const [fast, file] = await bothAnswers(`/api/polls/${id}`, id);
    expect(fast.status).toBe(id === 'no-such-poll' ? 404 : 200);
    expect(file).toEqual(fast);
  });

  it.each([
    ['on a closed poll', 'closed', vote('{"optionIds":["a"]}')],
    ['naming no option of the poll', 'open-single', vote('{"optionIds":["z"]}')],
    ['on a poll that does not exist', 'no-such-poll', vote('{"optionIds":["a"]}')],
    ['that is not JSON', 'open-single', vote('{"optionIds":')],
    ['sent as a form', 'open-single', vote('optionIds=a', 'application/x-www-form-urlencoded')],
    ['past the size limit', 'open-single', vote(JSON.stringify({ optionIds: ['a'], pad: 'x'.repeat(20_000) }))],
  ])('refuses a vote %s', async (_name, id, init) => {
    const [fast, file] = await bothAnswers(`/api/polls/${id}/votes`, id, init);
    expect(fast.status).toBeGreaterThanOrEqual(400);
    expect(file).toEqual(fast);
  });
});
