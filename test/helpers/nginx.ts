import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxArgs, nginxBinary, writeNginxConfig } from '../../scripts/nginx.ts';
import { freePort } from './ports.ts';

export interface Nginx {
  url: string;
  /** The master process's id; its workers are its children. */
  pid: number;
  /** The error log and stderr so far, for failure messages. */
  output(): string;
  /** The access log (flushed each second by the config). */
  accessLog(): string;
  stop(): Promise<void>;
  cleanup(): void;
}

/**
 * Real nginx (Debian's) on a free 127.0.0.1 port with deploy/nginx.conf in
 * front of the given instance ports, as `npm run proxy` runs it. `port` is
 * one chosen beforehand (freePort), when the instances' SITE_URL must name
 * nginx's address before they start.
 */
export async function startNginx(upstreamPorts: number[], port?: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-'));
  port ??= await freePort();
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
  // SIGTERM is nginx's fast shutdown: it does not wait for open live streams.
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const problem =
      child.exitCode !== null ? 'nginx exited' : Date.now() > deadline ? 'nginx did not start in time' : null;
    if (problem) {
      const detail = `${problem}:\n${log}${read('error.log')}`;
      await stop();
      cleanup();
      throw new Error(detail);
    }
    try {
      if ((await fetch(`${url}/robots.txt`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid ?? 0,
    output: () => log + read('error.log'),
    accessLog: () => read('access.log'),
    stop,
    cleanup,
  };
}
