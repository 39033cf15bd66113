import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSqld } from '../../scripts/sqld.ts';
import { freePort } from './ports.ts';

export interface Sqld {
  /** DATABASE_URL for the app: http://127.0.0.1:<port> */
  url: string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  restart(): Promise<void>;
  cleanup(): void;
}

/** A real libSQL server (sqld) on 127.0.0.1 with a temp data directory. */
export async function startSqld(): Promise<Sqld> {
  const binary = ensureSqld();
  const dir = mkdtempSync(join(tmpdir(), 'sqld-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';

  const launch = async (): Promise<void> => {
    child = spawn(
      binary,
      ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`sqld exited:\n${log}`);
      try {
        if ((await fetch(`${url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`sqld did not start in time:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await launch();

  return {
    url,
    async stop() {
      const running = child;
      if (running && running.exitCode === null) {
        running.kill('SIGTERM');
        await new Promise((resolve) => running.once('exit', resolve));
      }
    },
    restart: launch,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
