import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxArgs, nginxBinary, writeNginxConfig } from '../../scripts/nginx.ts';
import { freePort } from './ports.ts';

export interface Nginx {
  url: string;
  /** The error log and stderr so far, for failure messages. */
  output(): string;
  /** The access log (flushed each second by the config). */
  accessLog(): string;
  stop(): Promise<void>;
  cleanup(): void;
}

/**
 * Real nginx (Debian's) on a free 127.0.0.1 port with deploy/nginx.conf in
 * front of the given instance ports, as `npm run proxy` runs it.
 */
export async function startNginx(upstreamPorts: number[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
  const port = await freePort();
  const config = writeNginxConfig({
    listen: `127.0.0.1:${port}`,
    upstreams: upstreamPorts.map((p) => `127.0.0.1:${p}`),
    runtimeDir: dir,
  });
  const child: ChildProcess = spawn(nginxBinary(), nginxArgs(dir, config), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const read = (file: string): string => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${log}${read('error.log')}`);
    try {
      if ((await fetch(`${url}/robots.txt`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not start in time:\n${log}${read('error.log')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    output: () => log + read('error.log'),
    accessLog: () => read('access.log'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGQUIT');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
