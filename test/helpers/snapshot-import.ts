import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `npm run snapshot:import` (the real CLI) against a database, with the given token directory. */
export function importSnapshot(
  databaseUrl: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/snapshot-import.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** Writes `address,balance` rows (whole tokens, as explorers export them) to `<dir>/<name>` and returns its path. */
export function writeHoldersCsv(dir: string, name: string, holders: readonly [string, bigint][]): string {
  const path = join(dir, name);
  writeFileSync(path, `address,balance\n${holders.map(([a, b]) => `${a.toLowerCase()},${b}`).join('\n')}\n`);
  return path;
}
