import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let dir: string;

/** Builds a copy of the project with one extra post, returning the build's output. */
async function buildWithPost(name: string, source: string): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(dir, 'src/content/posts', name), source);
  try {
    const { stdout, stderr } = await run(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], { cwd: dir });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return { ok: false, output: e.stdout + e.stderr };
  } finally {
    rmSync(join(dir, 'src/content/posts', name));
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-content-'));
  for (const entry of ['src', 'public', 'db', 'astro.config.mjs', 'tsconfig.json', 'package.json']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content validation', () => {
  it('fails the build on a malformed post, naming the file and the field', async () => {
    const { ok, output } = await buildWithPost(
      'broken.mdx',
      "---\ntitle: 'Broken'\nsummary: 'x'\npublishedAt: 'not a date'\nauthor: 'me'\n---\nBody\n",
    );
    expect(ok).toBe(false);
    expect(output).toContain('broken.mdx');
    expect(output).toContain('publishedAt');
  });
});
