import type { z } from 'zod';

/**
 * Responses in the shape every JSON endpoint shares, and request body
 * parsing. Handlers build an ApiResult (plain data), so the same handler can
 * answer through an Astro endpoint or straight from the Node server.
 */

export interface ApiResult {
  status: number;
  /** An array value sends the header several times (Set-Cookie). */
  headers: Record<string, string | string[]>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResult(body: unknown, status = 200, headers: Record<string, string> = {}): ApiResult {
  return jsonTextResult(JSON.stringify(body), status, headers);
}

/** jsonResult for a body already serialised. */
export function jsonTextResult(text: string, status = 200, headers: Record<string, string> = {}): ApiResult {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: text };
}

/** A CSV download. */
export function csvResult(body: string, filename: string): ApiResult {
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
    body,
  };
}

/** An error: `{"error": "<code>", "message": "<human sentence>"}` plus any extra fields. */
export function problemResult(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ApiResult {
  return jsonResult({ error, message, ...extra }, status, headers);
}

export function toResponse(result: ApiResult): Response {
  return new Response(result.body, { status: result.status, headers: headersOf(result.headers) });
}

function headersOf(record: Record<string, string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return toResponse(jsonResult(body, status, headers));
}

export function problem(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return toResponse(problemResult(status, error, message, extra, headers));
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; result: ApiResult };

const bad = (message: string): Parsed<never> => ({ ok: false, result: problemResult(400, 'bad_request', message) });

/**
 * Checks a JSON body against a schema: 400 `bad_request` for a wrong content
 * type, malformed JSON or the wrong shape; 413 `too_large` when `text` is
 * null because the body ran past `maxBytes`.
 */
export function parseJson<S extends z.ZodType>(
  contentType: string | null,
  text: string | null,
  schema: S,
  maxBytes: number,
): Parsed<z.infer<S>> {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    return bad('Send the body as JSON with Content-Type: application/json.');
  }
  if (text === null) {
    return { ok: false, result: problemResult(413, 'too_large', `The body is larger than ${maxBytes} bytes.`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('The body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return bad(`The body has the wrong shape${where}: ${issue?.message ?? 'invalid'}.`);
}

/** A cookie's value from a raw Cookie header, or null. */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Any method but GET, HEAD and OPTIONS: what the Host and cross-site checks guard. */
export function changesState(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Whether a request that changes state comes from another site: a foreign
 * Origin header, or the browser's own Sec-Fetch-Site verdict. Requests with
 * neither header (curl, servers) are not browsers acting for a reader, so
 * they pass; cookies make no difference to them.
 */
export function isCrossSiteWrite(
  method: string,
  origin: string | null,
  secFetchSite: string | null,
  siteOrigin: string,
): boolean {
  if (!changesState(method)) return false;
  if (secFetchSite === 'cross-site') return true;
  // An opaque origin ("null") is never this site.
  return origin !== null && origin !== siteOrigin;
}

export function crossSiteProblem(): ApiResult {
  return problemResult(403, 'cross_site', 'Requests that change data must come from this site.');
}

/** A write sent with a Host that is not the site's (request-context.server.ts): RFC 9110's Misdirected Request. */
export function wrongHostProblem(origin: string): ApiResult {
  return problemResult(
    421,
    'wrong_host',
    `This request names a host that is not this site's; requests that change data must be sent to ${origin}.`,
  );
}

/** The database is down or busy: try again shortly. Nothing was written. */
export function unavailableResult(): ApiResult {
  return problemResult(
    503,
    'unavailable',
    'The site cannot reach its database right now; nothing was saved. Try again in a moment.',
    {},
    { 'retry-after': '5' },
  );
}

/**
 * A form action posted with a body that is not a form. Our actions take
 * forms only (they serve the no-JavaScript forms); Astro parses a JSON body
 * before it checks that, and a broken one would end in a 500.
 */
export function isActionWithoutForm(request: Request, url: URL): boolean {
  if (request.method !== 'POST' || !url.searchParams.has('_action')) return false;
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  return !/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/.test(type);
}

export function formOnlyProblem(): ApiResult {
  return problemResult(
    415,
    'unsupported_media_type',
    'This form takes application/x-www-form-urlencoded or multipart/form-data.',
  );
}

/** Where a stream's chunks go: the Node response, or a web ReadableStream under Astro. */
export interface StreamSink {
  write(chunk: string): void;
  /** Ends the response, from the server's side. */
  end(): void;
  /** Bytes written and not yet taken by the client: what a reader that does not read makes the server hold. */
  backlog(): number;
}

/**
 * A long-lived answer (Server-Sent Events): its head, and `start`, which
 * begins writing to the sink and returns what to call, once, when the
 * client goes away.
 */
export interface StreamResult {
  status: 200;
  headers: Record<string, string | string[]>;
  start(sink: StreamSink): () => void;
}

export function isStreamResult(result: ApiResult | StreamResult): result is StreamResult {
  return 'start' in result;
}

/** A StreamResult as a web Response, for Astro endpoints; `signal` is the request's, aborted when the client goes. */
export function streamResponse(result: StreamResult, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let stop: (() => void) | null = null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let ended = false;
      stop = result.start({
        write: (chunk) => {
          if (!ended) controller.enqueue(encoder.encode(chunk));
        },
        end: () => {
          if (ended) return;
          ended = true;
          controller.close();
        },
        backlog: () => Math.max(0, -(controller.desiredSize ?? 0)),
      });
      signal.addEventListener('abort', () => stop?.(), { once: true });
    },
    cancel() {
      stop?.();
    },
  });
  return new Response(body, { status: result.status, headers: headersOf(result.headers) });
}
