/** JSON responses in the shape every endpoint shares. */

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
