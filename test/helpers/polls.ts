import { fileURLToPath } from 'node:url';

export const FIXTURE_POLLS = fileURLToPath(new URL('../fixtures/polls/', import.meta.url));

export interface VoteResponse {
  status: number;
  body: Record<string, unknown> & { error?: string; message?: string };
  headers: Headers;
  /** `voter=<id>` from Set-Cookie, ready to send back. */
  cookie: string | null;
}

/** POSTs a ballot to the JSON API. */
export async function vote(
  baseUrl: string,
  pollId: string,
  optionIds: unknown,
  init: { cookie?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<VoteResponse> {
  const response = await fetch(`${baseUrl}/api/polls/${pollId}/votes`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
    body: init.body ?? JSON.stringify({ optionIds }),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    body: (await response.json()) as VoteResponse['body'],
    headers: response.headers,
    cookie: setCookie ? (setCookie.split(';')[0] ?? null) : null,
  };
}

export async function getResults(
  baseUrl: string,
  pollId: string,
  cookie?: string | null,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/api/polls/${pollId}`, { headers: cookie ? { cookie } : {} });
  return (await response.json()) as Record<string, unknown>;
}
