import type { z } from 'zod';

/** JSON responses in the shape every endpoint shares, and request body parsing. */

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** An error response: `{"error": "<code>", "message": "<human sentence>"}` plus any extra fields. */
export function problem(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  return json({ error, message, ...extra }, status, headers);
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Reads at most `maxBytes` of a body; null when it is longer, whatever Content-Length claimed. */
async function readLimited(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Parses a JSON request body against a schema: 400 `bad_request` for a wrong
 * content type, malformed JSON or the wrong shape; 413 `too_large` past `maxBytes`.
 */
export async function parseBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes: number,
): Promise<Parsed<z.infer<S>>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return {
      ok: false,
      response: problem(400, 'bad_request', 'Send the body as JSON with Content-Type: application/json.'),
    };
  }
  const text = await readLimited(request, maxBytes);
  if (text === null) {
    return { ok: false, response: problem(413, 'too_large', `The body is larger than ${maxBytes} bytes.`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, response: problem(400, 'bad_request', 'The body is not valid JSON.') };
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return {
      ok: false,
      response: problem(400, 'bad_request', `The body has the wrong shape${where}: ${issue?.message ?? 'invalid'}.`),
    };
  }
  return { ok: true, data: result.data };
}
