import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nginxBinary, renderNginxConfig } from '../../scripts/nginx.ts';

const dir = mkdtempSync(join(tmpdir(), 'nginx-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = { listen: '127.0.0.1:8080', upstreams: ['127.0.0.1:4321', '127.0.0.1:4322'], runtimeDir: dir };

/** `nginx -t` on a rendered config: Debian's nginx parses it as it would at start. */
function nginxTest(config: string): { status: number | null; output: string } {
  const path = join(dir, 'test.conf');
  writeFileSync(path, config);
  const run = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', path, '-e', join(dir, 'error.log')], {
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('deploy/nginx.conf rendered by scripts/nginx.ts', () => {
  it('fills every field, one upstream server line per instance', () => {
    const config = renderNginxConfig(BASE);
    expect(config).not.toMatch(/\{\{/);
    expect(config).toContain('listen 127.0.0.1:8080;');
    expect(config.match(/^\s+server 127\.0\.0\.1:432[12] max_fails=1 fail_timeout=2s;$/gm)).toHaveLength(2);
    expect(config).toContain(`pid ${dir}/nginx.pid;`);
    expect(config).toMatch(/root \/.*\/dist\/client;/);
  });

  it('passes nginx -t, for a local run and as printed for installing elsewhere', () => {
    const local = nginxTest(renderNginxConfig(BASE));
    expect(local.status, local.output).toBe(0);
    const printed = renderNginxConfig({ ...BASE, forInstall: true });
    expect(printed).toContain('user www-data;');
    const installed = nginxTest(printed);
    expect(installed.status, installed.output).toBe(0);
  });

  it.each([
    [{ upstreams: [] }, 'at least one --upstream host:port is needed'],
    [{ listen: '8080' }, '"8080" is not host:port'],
    [{ upstreams: ['127.0.0.1:4321', 'http://127.0.0.1:4322'] }, '"http://127.0.0.1:4322" is not host:port'],
    [{ listen: '127.0.0.1:80; include /etc/passwd' }, 'is not host:port'],
  ])('refuses %j with a clear message', (overrides, message) => {
    expect(() => renderNginxConfig({ ...BASE, ...overrides })).toThrow(message);
  });
});

describe('npm run proxy', () => {
  it('prints the rendered config with --print, and refuses bad arguments in one line', () => {
    const node = process.execPath;
    const printed = spawnSync(node, ['scripts/nginx.ts', '--print', '--upstream', '127.0.0.1:5000'], {
      encoding: 'utf8',
    });
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('server 127.0.0.1:5000 max_fails=1 fail_timeout=2s;');
    const refused = spawnSync(node, ['scripts/nginx.ts', '--print', '--listen', 'nowhere'], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe('nginx: "nowhere" is not host:port');
  });
});
