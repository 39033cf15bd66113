import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { build, type Plugin } from 'esbuild';

/**
 * The server's start-up code (scripts/serve.ts and everything it imports) as
 * one file, dist/serve.mjs, which `npm run serve` runs. Node loads each ES
 * module separately, and its loader's garbage for a few hundred modules grows
 * the heap by tens of MB that V8 then keeps in its page pool: importing
 * drizzle-orm's SQLite builder file by file leaves a process at about 120 MB
 * resident, the same code bundled at about 45 MB. Running a `.ts` file also
 * loads Node's type stripper (another 17 MB). Measured in docs/decisions/0010-memory-of-an-idle-instance.md.
 */

/**
 * Packages loaded from node_modules as they are, in this bundle and in
 * Astro's (astro.config.mjs): those with native code, which cannot be
 * bundled, and @libsql/client, which loads libSQL's, so that both bundles
 * share its one copy (its `sqlite3` entry is a module of that same copy,
 * which the embedded connection is built from: statement-cache.server.ts).
 */
export const UNBUNDLED_PACKAGES = [
  '@libsql/client',
  '@libsql/client/sqlite3',
  'libsql',
  '@resvg/resvg-js',
  'sharp',
] as const;

/**
 * Code that finds files beside itself (migrations, content, fonts) asks
 * `import.meta.url`; inside the bundle that would be dist/serve.mjs, so each
 * module's own location is written in, relative to the bundle so that the
 * checkout can move.
 */
function ownLocation(outDir: string): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async ({ path }) => {
        if (path.includes('/node_modules/')) return undefined;
        const source = await readFile(path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const own = JSON.stringify(relative(outDir, path).split('\\').join('/'));
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`),
          loader: path.endsWith('ts') ? 'ts' : 'js',
        };
      });
    },
  };
}

export async function bundleServer(entry: string, outFile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: [...UNBUNDLED_PACKAGES],
    // Bundled CommonJS packages call require for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [ownLocation(dirname(outFile))],
    logLevel: 'warning',
    legalComments: 'none',
  });
}

/**
 * The integration that writes the server's bundles once the build is done:
 * each entry's file name in dist/ (serve.mjs, vote-writer.mjs for the thread
 * serve.mjs starts, card-drawer.mjs for the process it starts) and its source.
 */
export function serverBundle(entries: Record<string, URL>): AstroIntegration {
  return {
    name: 'sentiment-desk:server-bundle',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        for (const [name, entry] of Object.entries(entries)) {
          // `dir` is dist/client/; the bundles go beside it, where they are not served.
          const outFile = fileURLToPath(new URL(`../${name}`, dir));
          await bundleServer(fileURLToPath(entry), outFile);
          logger.info(`server bundled into ${relative(process.cwd(), outFile)}`);
        }
      },
    },
  };
}
