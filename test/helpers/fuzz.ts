import { createHash } from 'node:crypto';
import { createClient } from '@libsql/client';
import { getTableName, is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import fc from 'fast-check';
import * as schema from '../../db/schema.ts';

/**
 * Random and mutated requests for every JSON endpoint and form action, and a
 * digest of the database to prove a refusal changed nothing. Shared by the
 * fixed-seed test (test/site/fuzz.integration.test.ts) and `npm run bench -- fuzz`.
 */

/** Tables a refused request may rightly touch: rate-limit counters, and a session's last activity. */
const LEFT_OUT = new Set(['rate_limits']);
const SESSION_ACTIVITY = new Set(['lastActiveAt', 'expiresAt', 'refreshedAt']);

/** A digest of every table (sessions by their ids only), read through drizzle from the schema. */
export async function databaseDigest(databaseUrl: string): Promise<string> {
  const client = createClient({ url: databaseUrl });
  const db = drizzle(client);
  const hash = createHash('sha256');
  try {
    for (const table of Object.values(schema as Record<string, unknown>).filter((t): t is SQLiteTable =>
      is(t, SQLiteTable),
    )) {
      const name = getTableName(table);
      if (LEFT_OUT.has(name)) continue;
      const rows = (await db.select().from(table)) as Record<string, unknown>[];
      const kept = rows.map((row) =>
        name === 'sessions'
          ? Object.fromEntries(Object.entries(row).filter(([key]) => !SESSION_ACTIVITY.has(key)))
          : row,
      );
      const lines = kept.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
      hash.update(`${name}\n${lines.sort().join('\n')}\n`);
    }
  } finally {
    client.close();
  }
  return hash.digest('hex');
}

export interface Target {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `{poll}`, `{post}` and `{comment}` are filled with real or random values. */
  path: string;
  /** A form action answers with its page, not JSON. */
  kind: 'json' | 'action';
}

export const TARGETS: Target[] = [
  { method: 'POST', path: '/api/polls/{poll}/votes', kind: 'json' },
  { method: 'POST', path: '/api/polls/{poll}/ballot/wallet', kind: 'json' },
  { method: 'GET', path: '/api/polls/{poll}', kind: 'json' },
  { method: 'GET', path: '/api/polls/{poll}/history', kind: 'json' },
  { method: 'GET', path: '/api/polls', kind: 'json' },
  { method: 'GET', path: '/api/track-record', kind: 'json' },
  { method: 'GET', path: '/api/tokens/{token}/snapshots', kind: 'json' },
  { method: 'GET', path: '/api/auth/me', kind: 'json' },
  { method: 'POST', path: '/api/auth/verify', kind: 'json' },
  { method: 'POST', path: '/api/auth/logout', kind: 'json' },
  { method: 'GET', path: '/api/posts/{post}/comments', kind: 'json' },
  { method: 'POST', path: '/api/posts/{post}/comments', kind: 'json' },
  { method: 'PATCH', path: '/api/posts/{post}/comments/{comment}', kind: 'json' },
  { method: 'DELETE', path: '/api/posts/{post}/comments/{comment}', kind: 'json' },
  { method: 'POST', path: '/api/posts/{post}/comments/{comment}/hide', kind: 'json' },
  { method: 'POST', path: '/api/posts/{post}/comments/{comment}/report', kind: 'json' },
  { method: 'GET', path: '/api/posts/{post}/comments?cursor={comment}', kind: 'json' },
  { method: 'POST', path: '/polls/{poll}/?_action=polls.vote', kind: 'action' },
  { method: 'POST', path: '/polls/{poll}/?_action=polls.verifyBallot', kind: 'action' },
  { method: 'POST', path: '/polls/{poll}/embed/?_action=polls.vote', kind: 'action' },
  { method: 'POST', path: '/posts/{post}/comments/?_action=comments.report', kind: 'action' },
  { method: 'POST', path: '/admin/?_action=moderation.hide', kind: 'action' },
  { method: 'POST', path: '/admin/?_action=moderation.block', kind: 'action' },
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'text/plain',
  'text/html',
  'application/xml',
  'application/octet-stream',
  '',
  'garbage/;;;=',
];

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Bodies: valid-looking, wrong types, huge numbers, deep nesting, long strings, invalid UTF-8, duplicate keys. */
const bodies: fc.Arbitrary<Uint8Array | string | null> = fc.oneof(
  fc.constant(null),
  fc.json().map((text) => text),
  fc.anything().map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      return '{}';
    }
  }),
  fc
    .record({
      optionIds: fc.oneof(fc.array(fc.string()), fc.string(), fc.integer(), fc.constant(null)),
      body: fc.oneof(fc.string(), fc.integer(), fc.array(fc.string())),
      parentId: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(1e308)),
      hidden: fc.oneof(fc.boolean(), fc.string()),
      message: fc.string(),
      signature: fc.string(),
    })
    .map((r) => JSON.stringify(r)),
  fc.constantFrom(
    '{"optionIds":["a"],"optionIds":["b"]}',
    '{"body":"x","body":"y"}',
    '{"optionIds":[1e999]}',
    '{"parentId":123456789012345678901234567890}',
    '{"optionIds":["a"],"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    deep(5000),
    `{"body":"${'x'.repeat(70_000)}"}`,
    'optionIds=a&optionIds=b&pollId=x',
    'pollId=%ZZ&optionIds=%E0%A4%A',
    '--x\r\nContent-Disposition: form-data; name="optionIds"\r\n\r\na\r\n--x--\r\n',
    '',
  ),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3, 0x28, 0x7d])),
);

export interface FuzzRequest {
  target: Target;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | string | null;
}

/** A request to one target, with its path values, query, headers and cookies chosen at random. */
export function requests(
  origin: string,
  known: { poll: string; post: string; token: string },
): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    fc.constantFrom(known.poll, known.post, known.token, '1', '0', '-1', '99999999999999999999', '%00', '..', 'a%2Fb'),
    fc.stringMatching(/^[A-Za-z0-9_.~-]{1,40}$/),
  );
  return fc
    .record({
      target: fc.constantFrom(...TARGETS),
      poll: fc.oneof(fc.constant(known.poll), segment),
      post: fc.oneof(fc.constant(known.post), segment),
      token: fc.oneof(fc.constant(known.token), segment),
      comment: fc.oneof(fc.constantFrom('1', '2'), segment),
      query: fc.oneof(
        fc.constant(''),
        fc.stringMatching(/^[A-Za-z0-9=&%._~-]{0,60}$/),
        fc.constantFrom('option=zzz', 'period=year', 'order=sideways', 'scope=%FF', 'cursor=-1', 'block=1e9'),
      ),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      origin: fc.constantFrom(origin, '', 'https://evil.example', 'null', 'http://127.0.0.1:1'),
      cookie: fc.oneof(
        fc.constant(''),
        fc.constantFrom('session=garbage', 'voter=x', 'session=', 'voter=%FF%FE', `session=${'a'.repeat(5000)}`),
        fc.stringMatching(/^[A-Za-z0-9=; _-]{0,80}$/),
      ),
      forwarded: fc.constantFrom('', '198.51.100.1', 'not-an-ip', '::1, 10.0.0.1', 'x'.repeat(300)),
      header: fc.tuple(fc.stringMatching(/^x-[a-z]{1,12}$/), fc.stringMatching(/^[ -~]{0,60}$/)),
      body: bodies,
    })
    .map((r) => {
      const path = r.target.path
        .replace('{poll}', r.poll)
        .replace('{post}', r.post)
        .replace('{token}', r.token)
        .replace('{comment}', r.comment);
      const query = r.query === '' ? '' : `${path.includes('?') ? '&' : '?'}${r.query}`;
      const headers: Record<string, string> = { [r.header[0]]: r.header[1] };
      if (r.contentType) headers['content-type'] = r.contentType;
      if (r.origin) headers.origin = r.origin;
      if (r.cookie) headers.cookie = r.cookie;
      if (r.forwarded) headers['x-forwarded-for'] = r.forwarded;
      return { target: r.target, path: `${path}${query}`, headers, body: r.target.method === 'GET' ? null : r.body };
    });
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

export async function send(base: string, request: FuzzRequest): Promise<Answer> {
  const res = await fetch(`${base}${request.path}`, {
    method: request.target.method,
    headers: request.headers,
    body: request.body as BodyInit | null,
    redirect: 'manual',
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** What is wrong with an answer, or null: never a 5xx; a refused JSON request answers the error shape. */
export function answerProblem(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status >= 500) return `${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status < 400 || request.target.kind === 'action') return null;
  if (answer.status === 404 && !answer.contentType.startsWith('application/json')) {
    // An unknown path below /api/ that no route matches is the site's 404 page, not an endpoint's refusal.
    return request.path.startsWith('/api/') && !answer.contentType.startsWith('text/html')
      ? 'a 404 that is neither JSON nor the 404 page'
      : null;
  }
  if (!answer.contentType.startsWith('application/json')) return `${answer.status} as ${answer.contentType}`;
  try {
    const body = JSON.parse(answer.text) as { error?: unknown; message?: unknown };
    if (typeof body.error !== 'string' || typeof body.message !== 'string')
      return `error shape: ${answer.text.slice(0, 200)}`;
  } catch {
    return `not JSON: ${answer.text.slice(0, 200)}`;
  }
  return null;
}
