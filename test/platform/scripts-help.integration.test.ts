import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a script as npm would (same Node, from the checkout) and collects what it printed. */
function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // An unusable database: a script that went past --help and opened it would fail loudly.
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: 'postgres://nowhere/help-must-not-open-this' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the scripts answer --help', () => {
  it.each([
    ['scripts/snapshot-import.ts', 'snapshot:import'],
    ['scripts/snapshot.ts', 'snapshot'],
    ['scripts/token-add.ts', 'token:add'],
    ['scripts/db-backup.ts', 'db:backup'],
    ['scripts/db-restore.ts', 'db:restore'],
    ['scripts/migrate.ts', 'db:migrate'],
    ['scripts/demo-chain.ts', 'demo:chain'],
    ['scripts/nginx.ts', 'proxy'],
    ['scripts/serve.ts', 'serve'],
    ['scripts/bench/compare.ts', 'bench:compare'],
    ['scripts/bench/run.ts', 'bench'],
    ['scripts/bench/wrk.ts', 'bench:wrk'],
  ])('%s --help prints its usage and exits 0', async (script, name) => {
    const { code, stdout, stderr } = await run(script, ['--help']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: npm run ${name}\\b`));
    expect(stdout + stderr).not.toMatch(/Unknown option|no such|listening|migrated/i);
    expect(stderr).toBe('');
  });

  it('takes -h too, and --help among other arguments, before refusing any of them', async () => {
    for (const args of [['-h'], ['OPG', '--nonsense', '--help']]) {
      const { code, stdout, stderr } = await run('scripts/snapshot-import.ts', args);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/^usage: npm run snapshot:import -- <SYMBOL> <holders\.csv>/);
      expect(stderr).toBe('');
    }
  });
});
