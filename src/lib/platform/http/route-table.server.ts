import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, IntegrationResolvedRoute } from 'astro';
import { HTTP_HANDLERS, routeTable, type HttpHandler, type RouteEntry, type RouteTable } from './routes.ts';

const FILE = 'routes.json';

/** `export const GET` …: how every endpoint in src/pages declares its handlers. */
const HANDLER_EXPORT = new RegExp(
  `^export\\s+(?:const|let|async\\s+function|function)\\s+(${HTTP_HANDLERS.join('|')})\\b`,
  'gm',
);

/** The handlers an endpoint's source file exports. */
export function exportedHandlers(source: string): HttpHandler[] {
  return [...source.matchAll(HANDLER_EXPORT)].map((m) => m[1] as HttpHandler);
}

function entryOf(route: IntegrationResolvedRoute, root: URL): RouteEntry | null {
  if (route.origin !== 'project' || (route.type !== 'endpoint' && route.type !== 'page')) return null;
  const handlers =
    route.type === 'endpoint'
      ? exportedHandlers(readFileSync(fileURLToPath(new URL(route.entrypoint, root)), 'utf8'))
      : [];
  return {
    pattern: route.pattern,
    regex: route.patternRegex.source,
    kind: route.type,
    prerendered: route.isPrerendered,
    handlers,
  };
}

/**
 * Writes dist/routes.json, the file routes in Astro's priority order with
 * the methods each serves (see routes.ts), once the build is done.
 */
export function routeTableFile(): AstroIntegration {
  let entries: RouteEntry[] = [];
  let root: URL;
  return {
    name: 'sentiment-desk:route-table',
    hooks: {
      'astro:config:setup': ({ config }) => {
        root = config.root;
      },
      'astro:routes:resolved': ({ routes }) => {
        entries = routes.map((route) => entryOf(route, root)).filter((e): e is RouteEntry => e !== null);
      },
      'astro:build:done': ({ dir }) => {
        // `dir` is dist/client/, served to readers; the table goes beside it, where it is not.
        writeFileSync(new URL(`../${FILE}`, dir), `${JSON.stringify(entries, null, 1)}\n`);
      },
    },
  };
}

/** The build's route table (dist/routes.json), or an empty one for a build from before it existed. */
export function readRouteTable(distDir: URL): RouteTable {
  const file = new URL(FILE, distDir);
  if (!existsSync(file)) return routeTable([]);
  return routeTable(JSON.parse(readFileSync(file, 'utf8')) as RouteEntry[]);
}
