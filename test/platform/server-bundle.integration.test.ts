import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNBUNDLED_PACKAGES } from '../../src/lib/platform/runtime/server-bundle.server.ts';

/** Reads the built server (global setup ran `astro build`). */
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));

/** Every package a built module loads by name: static and dynamic imports, and require calls of bundled CommonJS. */
function packagesLoadedBy(file: string): Set<string> {
  const code = readFileSync(file, 'utf8');
  const names = new Set<string>();
  const patterns = [
    /^import\s[^;]*?from\s*["']([^"'./][^"']*)["']/gm,
    /^import\s*["']([^"'./][^"']*)["']/gm,
    /\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) names.add(match[1] ?? '');
  return names;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isAllowed = (name: string): boolean =>
  BUILTINS.has(name) ||
  BUILTINS.has(name.split('/')[0] ?? '') ||
  (UNBUNDLED_PACKAGES as readonly string[]).includes(name);

function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? serverFiles(join(dir, entry.name))
      : entry.name.endsWith('.mjs')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('the built server', () => {
  it('runs one bundle: npm run serve starts dist/serve.mjs, with the open-file limit raised first', () => {
    const { scripts } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.serve).toMatch(
      /^ulimit -Sn \$\(ulimit -Hn\) 2>\/dev\/null; exec node( --[\w-]+(=\S+)?)* dist\/serve\.mjs$/,
    );
    expect(readFileSync(join(DIST, 'serve.mjs'), 'utf8')).toContain('sentiment-desk listening on');
  });

  it('tells an operator to build first when dist/ is missing, and lets a built checkout start', () => {
    const check = fileURLToPath(new URL('../../scripts/check-build.ts', import.meta.url));
    const unbuilt = mkdtempSync(join(tmpdir(), 'unbuilt-'));
    try {
      mkdirSync(join(unbuilt, 'scripts'));
      copyFileSync(check, join(unbuilt, 'scripts', 'check-build.ts'));
      const refused = spawnSync(process.execPath, [join(unbuilt, 'scripts', 'check-build.ts')], { encoding: 'utf8' });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('dist/ is missing: run `npm run build` first');
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
    expect(spawnSync(process.execPath, [check]).status).toBe(0);
  });

  it('loads no package from node_modules but the native ones, in its bundles or in Astro’s', () => {
    const loaded = new Map<string, string>();
    const bundles = ['serve.mjs', 'vote-writer.mjs', 'card-drawer.mjs'].map((name) => join(DIST, name));
    for (const file of [...bundles, ...serverFiles(join(DIST, 'server'))]) {
      for (const name of packagesLoadedBy(file)) if (!isAllowed(name)) loaded.set(name, file);
    }
    // A package here would be loaded module by module at run time, each instance paying its loader's memory.
    expect(Object.fromEntries(loaded)).toEqual({});
  });
});
