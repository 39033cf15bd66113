/**
 * Block ranges for eth_getLogs that adapt like a real indexer's: halve when
 * the node says a range is too large (or returns too many results), grow
 * back after successes. Pure: the caller reports what happened.
 */
export class RangePlanner {
  size: number;
  private readonly max: number;

  constructor(initial = 2_000, max = 100_000) {
    this.size = initial;
    this.max = max;
  }

  next(from: number, to: number): { from: number; to: number } {
    return { from, to: Math.min(to, from + this.size - 1) };
  }

  /** The node refused the range: try half. Returns false when a single block is already too much. */
  shrink(): boolean {
    if (this.size === 1) return false;
    this.size = Math.max(1, Math.floor(this.size / 2));
    return true;
  }

  succeeded(): void {
    this.size = Math.min(this.max, this.size * 2);
  }
}

/** Whether a JSON-RPC error means "ask for fewer blocks" (wording differs between providers). */
export function isRangeTooLarge(error: unknown): boolean {
  const text = `${(error as { message?: string })?.message ?? ''} ${(error as { details?: string })?.details ?? ''}`;
  const code = (error as { code?: number })?.code;
  // viem's own response-size guard counts too: a smaller range means a smaller answer.
  const name = (error as { name?: string })?.name;
  return (
    code === -32005 ||
    name === 'ResponseBodyTooLargeError' ||
    /range|too many|more than \d+ results|limit exceeded|response size|size limit/i.test(text)
  );
}

/** Whether an error is worth retrying as it is: rate limits, timeouts, dropped connections. */
export function isTransient(error: unknown): boolean {
  const status = (error as { status?: number })?.status;
  const text = `${(error as { message?: string })?.message ?? ''} ${(error as { details?: string })?.details ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return (
    status === 429 ||
    (status !== undefined && status >= 500) ||
    /timed? ?out|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed|other side closed|429/i.test(text)
  );
}
