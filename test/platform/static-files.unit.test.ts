import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStaticFiles, precompressStaticFiles } from '../../src/lib/platform/http/static-files.server.ts';

/** A small site on disk, as dist/client is after a build. */
function site(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'static-files-'));
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PAGE = `<!doctype html><p>${'A page long enough to be worth compressing. '.repeat(40)}</p>`;

describe('precompressed static files', () => {
  it('writes gzip and brotli forms beside each compressible file, which decode to the file', () => {
    const dir = site({
      'index.html': PAGE,
      'posts/a/index.html': PAGE.replace('page', 'post'),
      'tiny.css': 'p{}',
      'og.png': Buffer.alloc(4096, 7),
    });
    expect(precompressStaticFiles(dir)).toBe(2);
    for (const path of ['index.html', 'posts/a/index.html']) {
      const identity = readFileSync(join(dir, path));
      expect(gunzipSync(readFileSync(join(dir, `${path}.gz`)))).toEqual(identity);
      expect(brotliDecompressSync(readFileSync(join(dir, `${path}.br`)))).toEqual(identity);
    }
    // Too small to gain, or compressed already: left alone.
    expect(() => readFileSync(join(dir, 'tiny.css.gz'))).toThrow();
    expect(() => readFileSync(join(dir, 'og.png.br'))).toThrow();
  });

  it('serves the forms the build wrote, and never the forms themselves as files', () => {
    const dir = site({ 'index.html': PAGE });
    precompressStaticFiles(dir);
    // Marked, to tell the build's form from one made at start.
    writeFileSync(join(dir, 'index.html.br'), 'from the build');
    const files = loadStaticFiles(dir);
    expect([...files.keys()]).toEqual(['/index.html']);
    expect(files.get('/index.html')?.brotli?.toString()).toBe('from the build');
    expect(gunzipSync(files.get('/index.html')?.gzip ?? Buffer.alloc(0)).toString()).toBe(PAGE);
  });

  it('compresses at load what the build did not (a directory from elsewhere)', () => {
    const files = loadStaticFiles(site({ 'index.html': PAGE, 'tiny.css': 'p{}' }));
    expect(brotliDecompressSync(files.get('/index.html')?.brotli ?? Buffer.alloc(0)).toString()).toBe(PAGE);
    expect(files.get('/tiny.css')?.gzip).toBeNull();
  });
});
