import { execFileSync, spawnSync } from 'node:child_process';

export function onPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || null : null;
}

/**
 * A program the tests run for real (Chromium, nginx): found, or installed
 * from Debian's package when it is missing and this process may (root with
 * apt-get). Otherwise throws one line saying what to install.
 */
export function ensureDebianProgram(name: string, debianPackage: string, find: () => string | null): string {
  const found = find();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(`${name} is not installed: run \`sudo apt-get install ${debianPackage}\`, then npm test again.`);
  }
  console.log(`[test setup] installing Debian ${debianPackage} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', debianPackage], { stdio: 'inherit', env });
  const installed = find();
  if (!installed) throw new Error(`apt-get installed ${debianPackage} but ${name} is not on PATH.`);
  return installed;
}
