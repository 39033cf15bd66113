import { readdirSync, readFileSync } from 'node:fs';

/**
 * Processes as Linux's /proc shows them, for tests and benchmarks that look
 * at what a server keeps running: its child processes, what each has
 * mapped, and the resident memory of the whole tree.
 */

/** A process's parent, or null when it is gone. The name in /proc/<pid>/stat may hold spaces and parentheses. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid`, now. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => parentOf(child) === pid);
}

/** `pid` and every process below it, now. */
export function processTree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(processTree)];
}

/** Whether the process still runs (a zombie, exited but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The files a process has mapped (its loaded native libraries among them). */
export function mappedFiles(pid: number): string[] {
  const lines = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n');
  return [...new Set(lines.map((line) => line.split(/\s+/).slice(5).join(' ')).filter((f) => f.startsWith('/')))];
}

/** A process's resident memory in MB (VmRSS: its threads included), or 0 once it is gone. */
export function rssOfMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The resident memory of `pid` and every process below it, in MB to 0.1, with the processes counted. */
export function treeRssMb(pid: number): { mb: number; processes: number } {
  const tree = processTree(pid);
  const mb = tree.reduce((sum, p) => sum + rssOfMb(p), 0);
  return { mb: Math.round(mb * 10) / 10, processes: tree.length };
}
