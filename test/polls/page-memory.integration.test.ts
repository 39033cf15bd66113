import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, vote } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';

/**
 * Pages sent from memory (platform/http/page-memory.server.ts): once per version, the same bytes and ETag to
 * every reader whose version it is, a new page as soon as anything it shows changes, and a reader's own ballot
 * in the page they get, never in another reader's.
 */
const env = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '50' } });

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${env.server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** The widget's message line, where the no-JavaScript form's thanks appear. */
const THANKS = /data-message>Thanks, your vote is counted\./;
/** The options the widget marks as the reader’s own. */
const mine = (body: string): string[] =>
  [...body.matchAll(/data-option="(\w+)" data-mine="true"/g)].map((m) => m[1] ?? '');

describe('poll pages from memory', () => {
  it('sends a cookieless reader the same bytes and ETag each time, public for a second, and 304 for that ETag', async () => {
    const first = await page('/polls/open-single/');
    const second = await page('/polls/open-single/');
    expect(first.status).toBe(200);
    expect(second.body).toBe(first.body);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(second.headers.get('etag')).toBe(etag);
    for (const answer of [first, second]) {
      expect(answer.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=10');
      expect(answer.headers.get('vary')).toBe('Cookie');
      expect(answer.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'));
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
    const again = await fetch(`${env.server.url}/polls/open-single/`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const head = await fetch(`${env.server.url}/polls/open-single/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(first.body));
  });

  it('renders anew as soon as a ballot changes the counts, and shows the voter their own ballot, privately', async () => {
    const before = await page('/polls/open-change/');
    const cast = await vote(env.server.url, 'open-change', ['b']);
    expect(cast.status).toBe(201);
    const after = await page('/polls/open-change/');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(mine(after.body)).toEqual([]);

    const voter = await page('/polls/open-change/?voted=1', { cookie: cast.cookie ?? '' });
    expect(voter.headers.get('cache-control')).toBe('private, no-cache');
    expect(mine(voter.body)).toEqual(['b']);
    expect(voter.body).toMatch(THANKS);
    // The next reader without a cookie, on the very URL the voter was sent to, does not get the voter's page.
    const next = await page('/polls/open-change/?voted=1');
    expect(mine(next.body)).toEqual([]);
    expect(next.body).not.toMatch(THANKS);
    expect(next.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=10');

    // The voter changes their ballot: their next page shows the new choice, not the kept one.
    const changed = await vote(env.server.url, 'open-change', ['c'], { cookie: cast.cookie });
    expect(changed.status).toBe(200);
    expect(mine((await page('/polls/open-change/', { cookie: cast.cookie ?? '' })).body)).toEqual(['c']);
  });

  it('keeps one page per language and per option the page reads; a query it does not read changes nothing', async () => {
    const english = await page('/polls/open-single/');
    const chinese = await page('/zh/polls/open-single/');
    expect(chinese.body).not.toBe(english.body);
    expect(chinese.body).toContain('lang="zh-Hans"');
    const noise = await page('/polls/open-single/?utm_source=x&option=nonesuch');
    expect(noise.headers.get('etag')).toBe(english.headers.get('etag'));
    const embed = await page('/polls/open-single/embed/');
    expect(embed.status).toBe(200);
    expect(embed.body).not.toBe(english.body);
    expect((await page('/polls/no-such-poll/')).status).toBe(404);
  });

  it('sends /polls/ from memory too, with the reader’s “you voted” only in their own', async () => {
    const cast = await vote(env.server.url, 'open-multi', ['a']);
    expect(cast.status).toBe(201);
    const anyone = await page('/polls/');
    const voter = await page('/polls/', { cookie: cast.cookie ?? '' });
    expect(anyone.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=10');
    expect(voter.headers.get('cache-control')).toBe('private, no-cache');
    expect(voter.body).toContain('You voted');
    expect(anyone.body).not.toContain('You voted');
    expect((await page('/polls/')).body).toBe(anyone.body);
  });
});
