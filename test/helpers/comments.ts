/**
 * The comment and report limits per network, turned off: every client of a
 * test server is 127.0.0.1, one network, and tests that act as many readers
 * would meet them. test/comments/limits.integration.test.ts tests them.
 */
export const WITHOUT_NETWORK_LIMITS: Record<string, string> = {
  COMMENT_NETWORK_PER_MINUTE: '0',
  COMMENT_NETWORK_PER_DAY: '0',
  COMMENT_NETWORK_NEW_WALLETS: '0',
  REPORT_NETWORK_PER_MINUTE: '0',
};

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

/** A call to `/api/posts/<path>` as the site's own pages make it: same origin, the reader's session, a JSON body. */
export async function postsApi(
  baseUrl: string,
  method: string,
  path: string,
  cookie: string | null,
  body?: unknown,
): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}/api/posts/${path}`, {
    method,
    headers: {
      origin: baseUrl,
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
