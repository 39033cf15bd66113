import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * One holder export: its block, its date and its `address,balance` rows
 * (whole tokens; a string for a decimal a number cannot hold exactly).
 */
export type HolderExport = [block: number, date: string, rows: [address: string, balance: number | string][]];

/** An address made from a number, for test holders: `0x…` followed by the number in hex. */
export const testAddress = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

/**
 * Writes each export as a CSV file and imports it with `npm run snapshot:import`, the path a reader's holder
 * export takes, into the database at `databaseUrl`.
 */
export function importSnapshots(databaseUrl: string, symbol: string, exports: readonly HolderExport[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'holder-exports-'));
  try {
    for (const [block, date, rows] of exports) {
      const csv = join(dir, `${symbol.toLowerCase()}-${block}.csv`);
      writeFileSync(csv, `address,balance\n${rows.map(([address, balance]) => `${address},${balance}`).join('\n')}\n`);
      const run = spawnSync(
        process.execPath,
        ['scripts/snapshot-import.ts', symbol, csv, '--block', String(block), '--date', date],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(run.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
