import { readFileSync } from 'node:fs';

/** What is assumed where the limit cannot be read: the usual default soft limit on Linux. */
export const DEFAULT_OPEN_FILE_LIMIT = 1024;

/**
 * This process's soft limit on open files (`ulimit -n`), which bounds its
 * sockets, database files and pipes together. Node has no getrlimit; Linux
 * states the limit in /proc/self/limits. Elsewhere, or if it says
 * `unlimited`, DEFAULT_OPEN_FILE_LIMIT.
 */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number {
  let text: string;
  try {
    text = read();
  } catch {
    return DEFAULT_OPEN_FILE_LIMIT;
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(text)?.[1];
  return soft ? Number(soft) : DEFAULT_OPEN_FILE_LIMIT;
}
