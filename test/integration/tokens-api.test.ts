import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  const csv = join(tmpdir(), `tokens-api-${process.pid}.csv`);
  const holder = (i: number): string => `0x${(i + 4096).toString(16).padStart(40, '0')}`;
  for (const [block, date, balances] of [
    [100, '2026-11-01', [800, 100, 100]],
    [200, '2026-11-15', [500, 300, 200]],
  ] as const) {
    writeFileSync(csv, `address,balance\n${balances.map((b, i) => `${holder(i)},${b}`).join('\n')}\n`);
    const run = spawnSync(
      process.execPath,
      ['scripts/snapshot-import.ts', 'OPG', csv, '--block', String(block), '--date', date],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: server.databaseUrl },
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(run.stderr);
  }
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('GET /api/tokens/<symbol>/snapshots', () => {
  it('returns snapshots oldest first, numbers as numbers and balances as decimal strings', async () => {
    const res = await fetch(`${server.url}/api/tokens/opg/snapshots`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { symbol: string; address: string | null; snapshots: Record<string, unknown>[] };
    expect(body).toMatchObject({ symbol: 'OPG', address: null });
    expect(body.snapshots.map((s) => s.block)).toEqual([100, 200]);
    const [first] = body.snapshots;
    expect(first).toMatchObject({
      timestamp: '2026-11-01T00:00:00.000Z',
      simulated: false,
      supply: (1000n * 10n ** 18n).toString(),
    });
    expect((first?.all as { top1Share: number }).top1Share).toBeCloseTo(0.8, 12);
    expect(typeof (first?.all as { gini: number }).gini).toBe('number');
    // Balances travel exactly, as decimal strings, never as floats.
    expect(first?.all).not.toHaveProperty('supply');
    expect(first?.excludingLabelled).not.toHaveProperty('supply');
    expect(first?.source).toMatchObject({ kind: 'csv' });
  });

  it('downloads the same figures as CSV', async () => {
    const res = await fetch(`${server.url}/api/tokens/OPG/snapshots?format=csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('opg-snapshots.csv');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^block,timestamp,scope,simulated,source,supply,holderCount,top1Share/);
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines[1]).toMatch(/^100,2026-11-01T00:00:00.000Z,all,false,csv:/);
  });

  it.each([
    ['/api/tokens/nope/snapshots', 404],
    ['/api/tokens/opg/snapshots?format=xml', 400],
  ])('%s answers %i', async (path, status) => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(status);
  });
});
