/**
 * Runs nginx in front of sentiment-desk instances with deploy/nginx.conf:
 *
 *   npm run proxy -- --listen 127.0.0.1:8080 --upstream 127.0.0.1:4321 --upstream 127.0.0.1:4322
 *
 * Renders the template into a runtime directory (default data/nginx; pid,
 * logs and temp files go there too) and runs nginx in the foreground until
 * Ctrl-C. `--print` writes the rendered config to stdout instead. The tests
 * and benchmarks start nginx through renderNginxConfig and nginxBinary.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HSTS, nginxPolicyMap, PERMISSIONS_POLICY } from '../src/lib/platform/http/security-headers.ts';
import { readPagePolicies } from '../src/lib/platform/http/static-files.server.ts';
import { answerHelp } from './usage.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = join(ROOT, 'deploy', 'nginx.conf');

export interface NginxOptions {
  /** `host:port` to listen on. */
  listen: string;
  /** `host:port` of each instance. */
  upstreams: string[];
  /** Directory for the rendered config, pid, logs and temp files. */
  runtimeDir: string;
  /** The prerendered site; dist/client by default. */
  staticRoot?: string;
  /**
   * For installing elsewhere (`--print`): workers run as Debian's www-data.
   * Otherwise (a local run) they stay the user who started nginx.
   */
  forInstall?: boolean;
}

/** Debian's nginx, or whichever is on PATH; null when there is none. */
export function findNginx(): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  return dirs.map((dir) => join(dir, 'nginx')).find((path) => existsSync(path)) ?? null;
}

export function nginxBinary(): string {
  const found = findNginx();
  if (!found) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
  return found;
}

/** Fills deploy/nginx.conf for these instances; returns the config text. */
export function renderNginxConfig(options: NginxOptions): string {
  if (options.upstreams.length === 0) throw new Error('at least one --upstream host:port is needed');
  for (const address of [options.listen, ...options.upstreams]) {
    if (!/^[\w.-]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i.test(address)) {
      throw new Error(`${JSON.stringify(address)} is not host:port`);
    }
  }
  const staticRoot = resolve(options.staticRoot ?? join(ROOT, 'dist', 'client'));
  const fields: Record<string, string> = {
    runtime: resolve(options.runtimeDir),
    root: staticRoot,
    listen: options.listen,
    mime_types: '/etc/nginx/mime.types',
    // Workers started by root would switch to `nobody`, who may not be able to
    // read a checkout under /root; a local run keeps them as the user who started it.
    user: options.forInstall ? 'user www-data;' : process.getuid?.() === 0 ? `user ${userInfo().username};` : '',
    // An instance that refuses a connection sits out 2 s, then gets a request again.
    upstreams: options.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n'),
    // Astro's per-page policies, written by the build beside dist/client (dist/_headers.json).
    page_policies: nginxPolicyMap(readPagePolicies(join(staticRoot, '..', '_headers.json'), staticRoot)),
    permissions_policy: PERMISSIONS_POLICY,
    hsts: HSTS,
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`deploy/nginx.conf: unknown field {{${name}}}`);
    return value;
  });
}

/** Writes the rendered config into its runtime directory; returns the config path. */
export function writeNginxConfig(options: NginxOptions): string {
  mkdirSync(options.runtimeDir, { recursive: true });
  const path = join(resolve(options.runtimeDir), 'nginx.conf');
  writeFileSync(path, renderNginxConfig(options));
  return path;
}

/** nginx's arguments to run a written config in the foreground. */
export function nginxArgs(runtimeDir: string, configPath: string): string[] {
  return [
    '-p',
    resolve(runtimeDir),
    '-c',
    configPath,
    '-e',
    join(resolve(runtimeDir), 'error.log'),
    '-g',
    'daemon off;',
  ];
}

function main(): void {
  answerHelp(
    'usage: npm run proxy [-- --listen HOST:PORT] [--upstream HOST:PORT ...] [--dir DIR] [--print]\n' +
      'nginx in front of the instances (--print writes the config for an installed nginx instead)',
  );
  const { values } = parseArgs({
    options: {
      listen: { type: 'string', default: '127.0.0.1:8080' },
      upstream: { type: 'string', multiple: true, default: ['127.0.0.1:4321'] },
      dir: { type: 'string', default: join(ROOT, 'data', 'nginx') },
      print: { type: 'boolean', default: false },
    },
  });
  const options: NginxOptions = { listen: values.listen, upstreams: values.upstream, runtimeDir: values.dir };
  if (values.print) {
    process.stdout.write(renderNginxConfig({ ...options, forInstall: true }));
    return;
  }
  const config = writeNginxConfig(options);
  const child = spawn(nginxBinary(), nginxArgs(values.dir, config), { stdio: 'inherit' });
  console.error(`nginx on http://${values.listen}/ -> ${values.upstream.join(', ')} (config ${config})`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill('SIGQUIT'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`nginx: ${(error as Error).message}`);
    process.exit(1);
  }
}
