import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestServer {
  url: string;
  port: number;
  /** The server's process id (for memory readings in benchmarks). */
  pid: number;
  databaseUrl: string;
  /** Output so far, for assertions and failure messages. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>;
  /** Removes the temp directory (after stop), unless the caller kept the database. */
  cleanup(): void;
}

export interface StartOptions {
  /** Extra environment; DATABASE_URL defaults to a fresh temp file. */
  env?: Record<string, string>;
  /** Reuse a database (e.g. to restart after a kill). */
  databaseUrl?: string;
  timeoutMs?: number;
  /** A copy of the project to serve (its own `npm run serve` and dist/); this checkout by default. */
  root?: string;
  /**
   * SITE_URL names the server's own address (http://127.0.0.1 on a port chosen before it starts, since the
   * origin must be known before it listens), as a server with TRUSTED_PROXIES needs; `env` may still override.
   */
  ownSiteUrl?: boolean;
  /** Shell commands run before the serve script, as an operator's shell might (e.g. `ulimit -Sn 1000`). */
  before?: string;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the server as `npm run serve` does: the checkout's `serve` script
 * (its one home; it raises the open-file limit before Node starts) run by
 * `sh -c`, with this process's `node` first on PATH as npm puts its own.
 * Tests run the same process an operator does, and a checkout given as
 * `root` runs its own. The script ends in `exec node …`, so the process is
 * Node's and signals reach it; an older checkout's bare `node …` gets the
 * same `exec`.
 */
function spawnServe(root: string, env: NodeJS.ProcessEnv, before = ''): ChildProcess {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { serve: string } };
  const script = /^node /.test(pkg.scripts.serve) ? `exec ${pkg.scripts.serve}` : pkg.scripts.serve;
  if (!/(^|; )exec node( --[\w-]+(=\S+)?)* \S+\.(ts|mjs)$/.test(script)) {
    throw new Error(`package.json scripts.serve does not end in "exec node [--flags] <script>": ${pkg.scripts.serve}`);
  }
  return spawn('/bin/sh', ['-c', before ? `${before}; ${script}` : script], {
    cwd: root,
    env: { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts the built server (as `npm run serve` does) on a free
 * port with its own temp database, and resolves once /api/health answers.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-'));
  const databaseUrl = options.databaseUrl ?? `file:${join(dir, 'app.db')}`;
  const root = options.root ?? ROOT;
  const own = options.ownSiteUrl ? await freePort() : null;
  const site = own ? { PORT: String(own), SITE_URL: `http://127.0.0.1:${own}` } : {};
  const child = spawnServe(
    root,
    { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: databaseUrl, ...site, ...options.env },
    options.before,
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that starts after all would outlive the test run.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${log}`));
    }, options.timeoutMs ?? 45_000);
    const onData = (): void => {
      const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${log}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  // On a connection of its own that closes after it (fetch would keep it open for a minute), so a server
  // that a test stops before asking it anything has nothing open, as an instance nobody is using.
  const status = await new Promise<number>((resolve, reject) => {
    get(`${url}/api/health`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
  if (status !== 200) throw new Error(`health check answered ${status}:\n${log}`);

  return {
    url,
    port,
    pid: child.pid ?? 0,
    databaseUrl,
    output: () => log,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The usual integration-test setup: one server for the file, started before
 * its tests and stopped (its database removed) after. Read `.server` inside tests.
 */
export function serverForTests(options: StartOptions = {}): { readonly server: TestServer } {
  const state = {} as { server: TestServer };
  beforeAll(async () => {
    state.server = await startServer(options);
  });
  afterAll(async () => {
    await state.server?.stop();
    state.server?.cleanup();
  });
  return state;
}

/**
 * Runs the server (of `root`, a built copy of the project) expecting it to refuse to start; resolves with its
 * exit code and output. `before`: shell commands run first, as StartOptions.before.
 */
export function startExpectingFailure(
  env: Record<string, string>,
  root = ROOT,
  before = '',
): Promise<{ code: number | null; output: string }> {
  const child = spawnServe(root, { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env }, before);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
