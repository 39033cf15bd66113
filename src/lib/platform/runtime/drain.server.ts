import { Server as NetServer } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

const netServerClose = NetServer.prototype.close;

/**
 * How long a draining instance keeps serving its idle keep-alive connections
 * (with `Connection: close` on every response) before closing them. A proxy
 * may pick an idle connection at the moment we close it, and a POST lost that
 * way is not retried; deploy/nginx.conf drops idle upstream connections after
 * 2 s, so by the end of the grace nginx has closed its own.
 */
const DRAIN_IDLE_GRACE_MS = 3000;
/** Past this, a drain gives up waiting and the process exits with 1. */
const DRAIN_LIMIT_MS = 10_000;

export interface DrainSteps {
  /** Ends live streams with a reconnect hint, so readers move to another instance. */
  endStreams: () => void;
  /** Runs once every connection has ended; the process exits with 0 when it is done (1 if it fails). */
  closed: () => void | Promise<void>;
}

/**
 * Shutdown on SIGTERM or SIGINT: stop accepting, end live streams, let
 * in-flight requests finish (their connections close with them), run the
 * last steps, exit.
 */
export class Drain {
  private stopping = false;
  /** Responses under way, so a drain can end their connections with them. */
  private readonly unfinished = new Set<ServerResponse>();

  /** Whether a drain has begun: every response then closes its connection. */
  get draining(): boolean {
    return this.stopping;
  }

  /** Every response: while draining, each connection ends with its current response. */
  admit(res: ServerResponse): void {
    if (this.stopping) res.setHeader('connection', 'close');
  }

  /**
   * A response that is not finished when the request handler returns. Its
   * 'close' comes once, so one shared listener serves every response, where
   * `once` with a closure made a wrapper and a closure per request on the
   * vote path.
   */
  track(res: ServerResponse): void {
    if (this.stopping) return;
    this.unfinished.add(res);
    res.on('close', this.untrack);
  }

  private readonly untrack = forgetOnClose(this.unfinished);

  /** Drains `server` when the process is asked to stop. */
  onSignals(server: Server, steps: DrainSteps): void {
    process.on('SIGTERM', () => this.start(server, 'SIGTERM', steps));
    process.on('SIGINT', () => this.start(server, 'SIGINT', steps));
  }

  private start(server: Server, signal: string, steps: DrainSteps): void {
    if (this.stopping) return;
    this.stopping = true;
    console.log(`sentiment-desk: ${signal}, draining`);
    steps.endStreams();
    for (const res of this.unfinished) if (!res.headersSent) res.setHeader('connection', 'close');
    // net.Server's close stops accepting but, unlike http.Server's, leaves idle keep-alive connections alone.
    netServerClose.call(server, () => {
      // The limit below still holds if the last steps hang.
      void Promise.resolve()
        .then(steps.closed)
        .then(
          () => {
            console.log('sentiment-desk: drained, exiting');
            process.exit(0);
          },
          (error: unknown) => {
            console.error('sentiment-desk: the last step of the drain failed', error);
            process.exit(1);
          },
        );
    });
    setTimeout(() => {
      // Keep-alive connections become idle as their last response ends; close each as it does.
      server.closeIdleConnections();
      setInterval(() => server.closeIdleConnections(), 100).unref();
    }, DRAIN_IDLE_GRACE_MS).unref();
    setTimeout(() => {
      console.error(`sentiment-desk: requests still open after ${DRAIN_LIMIT_MS / 1000} s, exiting anyway`);
      process.exit(1);
    }, DRAIN_LIMIT_MS).unref();
  }
}

/** A 'close' listener that removes the response it fires on (its `this`) from `unfinished`. */
function forgetOnClose(unfinished: Set<ServerResponse>): (this: ServerResponse) => void {
  return function untrack(this: ServerResponse): void {
    unfinished.delete(this);
  };
}
