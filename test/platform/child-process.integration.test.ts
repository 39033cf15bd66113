import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChildBusyError,
  ChildStoppedError,
  IdleChildProcess,
  type IdleChildOptions,
} from '../../src/lib/platform/runtime/child-process.server.ts';
import type { TestJob } from '../fixtures/child-jobs.ts';
import { isRunning } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/vote-load.ts';

/**
 * Work in an idle-exiting child process, with real processes: a child
 * (test/fixtures/child-jobs.ts, run from source) that answers, fails, hangs
 * or dies on cue.
 */

const SCRIPT = new URL('../fixtures/child-jobs.ts', import.meta.url);

let runners: IdleChildProcess<TestJob, unknown>[] = [];
afterEach(async () => {
  await Promise.all(runners.map((r) => r.close()));
  runners = [];
});

function runner(options: Partial<IdleChildOptions> = {}): IdleChildProcess<TestJob, unknown> {
  const made = new IdleChildProcess<TestJob, unknown>({
    script: SCRIPT,
    name: 'the test child',
    idleMs: 60_000,
    // Generous: a loaded machine may take seconds to start a child.
    timeoutMs: 30_000,
    maxQueue: 4,
    ...options,
  });
  runners.push(made);
  return made;
}

/** Resolves with how a promise settled, for promises expected to reject. */
function settled<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('IdleChildProcess', () => {
  it('starts no child until the first job, then runs jobs together in one child, in order', async () => {
    const jobs = runner();
    expect(jobs.pid).toBeNull();
    const bytes = new Uint8Array([137, 80, 78, 71, 0, 255]);
    const answers = await Promise.all([
      jobs.run({ echo: { a: [1, 'two', null] } }),
      jobs.run({ echo: bytes }),
      jobs.run({ echo: 'third' }),
    ]);
    expect(answers[0]).toEqual({ a: [1, 'two', null] });
    // V8's serialiser carries bytes as bytes.
    expect(new Uint8Array(answers[1] as Uint8Array)).toEqual(bytes);
    expect(answers[2]).toBe('third');
    const pid = jobs.pid;
    expect(pid).not.toBeNull();
    expect(await jobs.run({ echo: 4 })).toBe(4);
    expect(jobs.pid).toBe(pid);
  });

  it('rejects a job that throws with its message, and the child goes on', async () => {
    const jobs = runner();
    await expect(jobs.run({ fail: 'no such card' })).rejects.toThrow('the test child: no such card');
    const pid = jobs.pid;
    expect(await jobs.run({ echo: 'still here' })).toBe('still here');
    expect(jobs.pid).toBe(pid);
  });

  it('rejects a job V8 cannot serialise, alone', async () => {
    const jobs = runner();
    await expect(jobs.run({ echo: () => 'a function' })).rejects.toThrow(/could not be cloned/);
    expect(await jobs.run({ echo: 'next' })).toBe('next');
  });

  it('exits once idle for idleMs, and the next job starts a new child', async () => {
    const jobs = runner({ idleMs: 200 });
    await jobs.run({ echo: 1 });
    const first = jobs.pid ?? 0;
    expect(isRunning(first)).toBe(true);
    await waitUntil(() => !isRunning(first), 20_000, 'the idle child to exit');
    expect(jobs.pid).toBeNull();
    expect(await jobs.run({ echo: 2 })).toBe(2);
    expect(jobs.pid).not.toBe(first);
  });

  it('refuses a job beyond maxQueue at once, while the child works', async () => {
    const jobs = runner({ maxQueue: 2 });
    const hung = settled(jobs.run({ hang: true }));
    const queued = [settled(jobs.run({ echo: 1 })), settled(jobs.run({ echo: 2 }))];
    await expect(jobs.run({ echo: 3 })).rejects.toBeInstanceOf(ChildBusyError);
    // Closing refuses what waits; the job in the child fails as the child ends.
    await jobs.close();
    for (const outcome of await Promise.all([hung, ...queued])) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? null : outcome.error).toBeInstanceOf(ChildStoppedError);
    }
  });

  it('kills a child that does not answer within timeoutMs; the jobs behind it get a new child', async () => {
    const jobs = runner({ timeoutMs: 2_000 });
    await jobs.run({ echo: 'warm' });
    const first = jobs.pid ?? 0;
    const hung = settled(jobs.run({ hang: true }));
    const behind = jobs.run({ echo: 'behind' });
    const outcome = await hung;
    expect(outcome.ok ? null : outcome.error).toBeInstanceOf(ChildStoppedError);
    expect(outcome.ok ? '' : (outcome.error as Error).message).toBe('the test child did not answer within 2 s');
    expect(await behind).toBe('behind');
    expect(isRunning(first)).toBe(false);
    expect(jobs.pid).not.toBe(first);
  });

  it('fails the job of a child that dies, saying how, and starts a new one for the next', async () => {
    const jobs = runner();
    await expect(jobs.run({ exit: 3 })).rejects.toThrow(
      new ChildStoppedError('the test child stopped (exit code 3) before it answered'),
    );
    expect(await jobs.run({ echo: 'again' })).toBe('again');
  });

  it('keeps a script that closes its runner alive until the child has exited', () => {
    const module = new URL('../../src/lib/platform/runtime/child-process.server.ts', import.meta.url).href;
    const script = `
      import { IdleChildProcess } from ${JSON.stringify(module)};
      const jobs = new IdleChildProcess({
        script: new URL(${JSON.stringify(SCRIPT.href)}), name: 'c', idleMs: 60000, timeoutMs: 30000, maxQueue: 1,
      });
      console.log(await jobs.run({ echo: 'answered' }));
      await jobs.close();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stdout).toBe('answered\nclosed\n');
    expect(run.status).toBe(0);
  });

  it('says what a child that cannot start wrote', async () => {
    const jobs = runner({ script: new URL('../fixtures/no-such-child.ts', import.meta.url) });
    await expect(jobs.run({ echo: 1 })).rejects.toThrow(
      /stopped \(exit code 1\) before it answered: Error: Cannot find module .*no-such-child/,
    );
  });
});
