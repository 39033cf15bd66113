import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Work done in a child process that is started on the first job and ends
 * once it has been idle for a while: for work whose code and data are large
 * and used now and then (the share cards' renderer and fonts), so the
 * server holds none of it between uses. A process, not a worker thread: a
 * thread's heap and the native libraries it loads count in the server's own
 * resident memory and stay mapped after the thread ends; a process gives
 * everything back when it exits.
 *
 * One child at a time runs one job at a time; jobs that arrive meanwhile
 * wait in a bounded queue, and one more is refused (ChildBusyError), so a
 * flood of costly requests cannot pile up work or memory. A child that dies
 * or does not answer within `timeoutMs` (it is then killed) fails the job it
 * was given (ChildStoppedError); the jobs waiting behind it start a new one.
 * Jobs and answers cross the IPC channel with V8's serialiser, so plain
 * objects and byte arrays pass as they are.
 */

export interface IdleChildOptions {
  /** The child's entry: a bundled .mjs, or a .ts that Node runs from source. It calls answerParent. */
  script: string | URL;
  /** What the child is called in messages ("the card drawer"). */
  name: string;
  /** Milliseconds without a job after which the child is let go; it exits when its channel closes. */
  idleMs: number;
  /** Milliseconds a job may take from when it is sent (a new child's start-up included); then the child is killed. */
  timeoutMs: number;
  /** Jobs that may wait behind the one running; a job beyond them is refused. */
  maxQueue: number;
  /** Node's flags for the child; none by default (the server's own, such as --expose-gc, are not passed on). */
  execArgv?: string[];
}

/** A job refused because the queue is full: the caller should say "busy, try again later". */
export class ChildBusyError extends Error {
  override name = 'ChildBusyError';
}

/** The child stopped (it crashed, was killed or did not answer in time) before it answered this job. */
export class ChildStoppedError extends Error {
  override name = 'ChildStoppedError';
}

/*
 * Tell them by name, not `instanceof`: the server (dist/serve.mjs) and Astro's bundle each hold their own copy of
 * this module, and the drawer the services start throws the server's classes to a page that knows Astro's.
 */
export const isChildBusy = (error: unknown): error is ChildBusyError =>
  error instanceof Error && error.name === 'ChildBusyError';
export const isChildStopped = (error: unknown): error is ChildStoppedError =>
  error instanceof Error && error.name === 'ChildStoppedError';

/** A message to the child. */
interface JobMessage<In> {
  id: number;
  input: In;
}

/** The child's answer: the output, or the message of what the job threw. */
type AnswerMessage<Out> = { id: number; ok: true; output: Out } | { id: number; ok: false; error: string };

interface Job<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: Error) => void;
}

/** A started child and the one job it is working on. */
interface Running<In, Out> {
  child: ChildProcess;
  current: { id: number; job: Job<In, Out>; timer: NodeJS.Timeout } | null;
  /** Why the parent ended it (a timeout), for the job's error. */
  endedBecause: string | null;
  /** Let go by the parent (idle, or closed): its exit is no failure. */
  retired: boolean;
  /** The end of what it wrote to stderr, for the error when it dies. */
  stderr: string;
  exited: Promise<void>;
}

/** How much of a child's stderr is kept for the message when it dies. */
const STDERR_KEPT = 4096;
/** How long a child let go may take to exit before it is killed. */
const RETIRE_MS = 5_000;

export class IdleChildProcess<In, Out> {
  private readonly options: IdleChildOptions;
  private running: Running<In, Out> | null = null;
  private readonly queue: Job<In, Out>[] = [];
  private idle: NodeJS.Timeout | null = null;
  private nextId = 1;

  constructor(options: IdleChildOptions) {
    this.options = options;
  }

  /** The running child's process id, or null while none runs (tests and benchmarks watch it come and go). */
  get pid(): number | null {
    return this.running?.child.pid ?? null;
  }

  /** Runs a job in the child, starting one if none runs; rejects with ChildBusyError when the queue is full. */
  run(input: In): Promise<Out> {
    const busy = this.running?.current != null;
    if (busy && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new ChildBusyError(`${this.options.name} has ${this.queue.length} jobs waiting, as many as it takes`),
      );
    }
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.next();
    });
  }

  /** Refuses the jobs still waiting and lets the child go; resolves once it has exited. */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    for (const job of this.queue.splice(0)) job.reject(new ChildStoppedError(`${this.options.name} was closed`));
    const running = this.running;
    this.running = null;
    if (running) await this.retire(running);
  }

  /** Sends the next waiting job, if the child is free. */
  private next(): void {
    if (this.running?.current != null) return;
    const job = this.queue.shift();
    if (!job) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const running = this.running ?? (this.running = this.start());
    const id = this.nextId++;
    const timer = setTimeout(() => {
      running.endedBecause = `did not answer within ${this.options.timeoutMs / 1000} s`;
      running.child.kill('SIGKILL');
    }, this.options.timeoutMs);
    running.current = { id, job, timer };
    // A child that died meanwhile has no channel: its exit fails the job.
    if (!running.child.connected) return;
    try {
      running.child.send({ id, input: job.input } satisfies JobMessage<In>);
    } catch (error) {
      // An input V8 cannot serialise: this job's fault alone.
      clearTimeout(timer);
      running.current = null;
      job.reject(error as Error);
      this.afterJob();
    }
  }

  private start(): Running<In, Out> {
    const script = this.options.script;
    const child = fork(typeof script === 'string' ? script : fileURLToPath(script), [], {
      execArgv: this.options.execArgv ?? [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const { promise: exited, resolve: ended } = Promise.withResolvers<void>();
    const running: Running<In, Out> = {
      child,
      current: null,
      endedBecause: null,
      retired: false,
      stderr: '',
      exited,
    };
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      running.stderr = (running.stderr + chunk).slice(-STDERR_KEPT);
    });
    // Neither a waiting child nor its pipes keep the server running: a job waits on a request that does.
    child.unref();
    child.channel?.unref();
    (child.stderr as Socket | null)?.unref();
    child.on('message', (message: AnswerMessage<Out>) => {
      const current = running.current;
      if (!current || current.id !== message.id) return;
      clearTimeout(current.timer);
      running.current = null;
      if (message.ok) current.job.resolve(message.output);
      else current.job.reject(new Error(`${this.options.name}: ${message.error}`));
      this.afterJob();
    });
    let gone = false;
    const stopped = (how: string): void => {
      if (gone) return;
      gone = true;
      if (this.running === running) this.running = null;
      const current = running.current;
      running.current = null;
      const why =
        running.endedBecause ?? `stopped (${how})${current ? ' before it answered' : ''}${errorLine(running.stderr)}`;
      // Once, however many requests were waiting on the job: an operator needs to hear of it.
      if (!running.retired) console.error(`${this.options.name} ${why}`);
      if (current) {
        clearTimeout(current.timer);
        current.job.reject(new ChildStoppedError(`${this.options.name} ${why}`));
      }
      ended();
      // The jobs waiting behind it get a new child.
      this.next();
    };
    child.once('exit', (code, signal) => stopped(signal ? `signal ${signal}` : `exit code ${code}`));
    // Alone when the process could not be started at all; else a failed send, whose job the exit fails.
    child.on('error', (error) => {
      if (child.pid === undefined) stopped(`could not start: ${error.message}`);
    });
    return running;
  }

  /** Once a job is answered: the next one, or the idle timer when none waits. */
  private afterJob(): void {
    this.next();
    if (this.running && this.running.current === null) this.armIdle();
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      const running = this.running;
      if (!running || running.current !== null || this.queue.length > 0) return;
      this.running = null;
      void this.retire(running);
    }, this.options.idleMs);
    this.idle.unref();
  }

  /** Closes the child's channel, which ends it (answerParent); one that lingers is killed. */
  private async retire(running: Running<In, Out>): Promise<void> {
    running.retired = true;
    if (running.child.connected) running.child.disconnect();
    // Not unref'd: a process closing its runner waits for the child's exit, which nothing else may be waiting on.
    const timer = setTimeout(() => running.child.kill('SIGKILL'), RETIRE_MS);
    await running.exited;
    clearTimeout(timer);
  }
}

/** The first line of a dead child's stderr that names an error, as ": <line>", or nothing. */
function errorLine(stderr: string): string {
  const line = /^\w*Error\b.*$/m.exec(stderr)?.[0];
  return line ? `: ${line.slice(0, 300)}` : '';
}

/**
 * The child's side, called by its entry: answers each job with `work`'s
 * output, or with the message of what it threw, and exits once the parent
 * closes the channel, whether because the child was idle or because the
 * parent itself ended, so a child never outlives its server.
 */
export function answerParent<In, Out>(work: (input: In) => Promise<Out>): void {
  if (!process.send) throw new Error('answerParent runs in a child process started with an IPC channel');
  const answer = (message: AnswerMessage<Out>): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message: JobMessage<In>) => {
    work(message.input).then(
      (output) => answer({ id: message.id, ok: true, output }),
      (error: unknown) =>
        answer({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.once('disconnect', () => process.exit(0));
}
