import type { IncomingMessage } from 'node:http';

/**
 * A request body as text, read up to a limit: null once it runs past
 * `maxBytes`, by its Content-Length or as it arrives, without keeping the
 * excess. One rule, two entry points: a web Request (Astro endpoints) and
 * Node's IncomingMessage (the server's fast routes), which is read by its
 * events rather than by async iteration (see readLimitedNodeBody).
 */

/** The bytes kept so far, and the limit they are held to. */
class LimitedBody {
  readonly #maxBytes: number;
  readonly #parts: Uint8Array[] = [];
  #size = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** A declared Content-Length past the limit: refused before a byte is read. */
  static declaredTooLong(declaredLength: string | null | undefined, maxBytes: number): boolean {
    return Number(declaredLength ?? '0') > maxBytes;
  }

  /** Keeps a chunk; false (keeping nothing more) once the body has run past the limit. */
  add(chunk: Uint8Array): boolean {
    this.#size += chunk.byteLength;
    if (this.#size > this.#maxBytes) return false;
    this.#parts.push(chunk);
    return true;
  }

  text(): string {
    const only = this.#parts.length === 1 ? this.#parts[0] : undefined;
    return only && Buffer.isBuffer(only) ? only.toString('utf8') : Buffer.concat(this.#parts).toString('utf8');
  }
}

/**
 * A web Request's body as text, or null past `maxBytes`; a request without
 * a body reads as ''.
 *
 * @example await readLimitedBody(new Request('http://x/', { method: 'POST', body: 'x'.repeat(9) }), 8) // null
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<string | null> {
  if (LimitedBody.declaredTooLong(request.headers.get('content-length'), maxBytes)) return null;
  const chunks = request.body as AsyncIterable<Uint8Array> | null;
  if (!chunks) return '';
  const body = new LimitedBody(maxBytes);
  // Leaving the loop early cancels the stream: the rest is not read.
  for await (const chunk of chunks) if (!body.add(chunk)) return null;
  return body.text();
}

/**
 * A Node request's body as text, or null past `maxBytes`, read by the
 * stream's events: async iteration over a request costs a handful of
 * promises and ticks per request, a measurable share of a vote on the hot
 * path. Past the limit the rest of the body drains unread and the answer
 * comes at once.
 */
export function readLimitedNodeBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  if (LimitedBody.declaredTooLong(req.headers['content-length'], maxBytes)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const body = new LimitedBody(maxBytes);
    const settle = (): void =>
      void req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    const onData = (chunk: Buffer): void => {
      if (body.add(chunk)) return;
      settle();
      req.resume();
      resolve(null);
    };
    const onEnd = (): void => {
      settle();
      resolve(body.text());
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    // The client went away mid-body.
    const onClose = (): void => onError(new Error('the request closed before its body ended'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
