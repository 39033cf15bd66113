import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSqld } from '../../scripts/sqld.ts';
import { freePort } from './ports.ts';

export interface Sqld {
  /** DATABASE_URL for the app: http://127.0.0.1:<port> */
  url: string;
  /** The running process's id (for CPU and memory readings in benchmarks). */
  pid(): number;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  restart(): Promise<void>;
  cleanup(): void;
}

/**
 * A real libSQL server (sqld) on 127.0.0.1 with a temp data directory. With
 * `jwtPublicKeyPem`, it accepts only clients bearing a JWT signed by the
 * matching Ed25519 key, as Turso does.
 */
export async function startSqld(options: { jwtPublicKeyPem?: string } = {}): Promise<Sqld> {
  const binary = ensureSqld();
  const dir = mkdtempSync(join(tmpdir(), 'sqld-'));
  const auth: string[] = [];
  if (options.jwtPublicKeyPem) {
    writeFileSync(join(dir, 'jwt-key.pem'), options.jwtPublicKeyPem);
    auth.push('--auth-jwt-key-file', join(dir, 'jwt-key.pem'));
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';

  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child as ChildProcess | null;
    if (running && running.exitCode === null && running.signalCode === null) {
      running.kill(signal);
      await new Promise((resolve) => running.once('exit', resolve));
    }
  };
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });

  const launch = async (): Promise<void> => {
    const started: ChildProcess = spawn(
      binary,
      ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome', ...auth],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout?.on('data', (c: Buffer) => (log += c.toString()));
    started.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const gone = started.exitCode !== null || started.signalCode !== null;
      if (gone || Date.now() > deadline) {
        await end('SIGKILL');
        throw new Error(`${gone ? 'sqld exited' : 'sqld did not start in time'}:\n${log}`);
      }
      try {
        if ((await fetch(`${url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await launch();
  } catch (error) {
    cleanup();
    throw error;
  }

  return {
    url,
    pid: () => (child as ChildProcess | null)?.pid ?? 0,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: launch,
    cleanup,
  };
}
