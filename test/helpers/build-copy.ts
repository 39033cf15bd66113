import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/**
 * A copy of the project built with `env` (DEMO=off, a SITE_URL: what the build
 * writes into its static pages and dist/build-info.json), in a new temp
 * directory to serve with startServer's `root`; the caller removes it.
 */
export async function buildCopy(prefix: string, env: Record<string, string>): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of ['src', 'public', 'db', 'scripts', 'astro.config.mjs', 'tsconfig.json', 'package.json']) {
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // Its own content cache, so that builds of other checkouts cannot mix into it.
  writeFileSync(
    join(copy, 'astro.config.copy.mjs'),
    "import config from './astro.config.mjs';\nexport default { ...config, cacheDir: './.astro-cache' };\n",
  );
  await run(
    process.execPath,
    ['node_modules/astro/bin/astro.mjs', 'build', '--silent', '--config', 'astro.config.copy.mjs'],
    { cwd: copy, env: { ...process.env, ...env } },
  );
  return copy;
}
