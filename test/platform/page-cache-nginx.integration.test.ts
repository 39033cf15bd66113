import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { freePort } from '../helpers/ports.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * deploy/nginx.conf's page cache (proxy_cache): pages rendered on demand kept a second for readers without a
 * voter or session cookie, never for a reader with one, and never a page that sets a cookie.
 */
let server: TestServer;
let nginx: Nginx;
let site: string;

beforeAll(async () => {
  const port = await freePort();
  site = `http://127.0.0.1:${port}`;
  server = await startServer({
    env: { POLLS_DIR: FIXTURE_POLLS, TRUSTED_PROXIES: '127.0.0.1', SITE_URL: site, VOTE_RATE_LIMIT: '50' },
  });
  nginx = await startNginx([server.port], port);
});

afterAll(async () => {
  await nginx?.stop();
  nginx?.cleanup();
  await server?.stop();
  server?.cleanup();
});

const mine = (body: string): string[] =>
  [...body.matchAll(/data-option="(\w+)" data-mine="true"/g)].map((m) => m[1] ?? '');

describe('nginx’s page cache in front of an instance', () => {
  it('keeps a cookieless reader’s poll page and serves the next cookieless reader from it', async () => {
    const first = await fetch(`${site}/polls/open-single/`);
    expect(first.status).toBe(200);
    const body = await first.text();
    const second = await fetch(`${site}/polls/open-single/`);
    expect(await second.text()).toBe(body);
    expect(second.headers.get('x-cache-status')).toMatch(/^(HIT|UPDATING|STALE|REVALIDATED)$/);
    expect(second.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=10');
    // The reader's browser revalidates by ETag, through the cache.
    const again = await fetch(`${site}/polls/open-single/`, {
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('lands a no-JavaScript vote on a page with the voter’s ballot, which the next cookieless reader does not get', async () => {
    // Warm the cache for cookieless readers first, on the very URL the vote redirects to.
    await fetch(`${site}/polls/open-change/?voted=1`);
    const posted = await fetch(`${site}/polls/open-change/?_action=polls.vote`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site },
      body: new URLSearchParams([
        ['pollId', 'open-change'],
        ['optionIds', 'b'],
      ]).toString(),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('x-cache-status')).toBeNull();
    const location = posted.headers.get('location') ?? '';
    expect(location).toBe('/polls/open-change/?voted=1#poll-open-change');
    const cookie = posted.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^voter=/);

    const landed = await fetch(new URL(location, site), { headers: { cookie } });
    expect(landed.headers.get('x-cache-status')).toBe('BYPASS');
    expect(landed.headers.get('cache-control')).toBe('private, no-cache');
    const page = await landed.text();
    expect(mine(page)).toEqual(['b']);
    expect(page).toMatch(/data-message>Thanks, your vote is counted\./);

    for (let i = 0; i < 3; i++) {
      const next = await fetch(new URL(location, site));
      expect(next.headers.get('cache-control')).toBe('public, max-age=1, stale-while-revalidate=10');
      expect(mine(await next.text())).toEqual([]);
    }
    // The count reaches cookieless readers within the cache's second (and the stale answer while it renders).
    await expect
      .poll(async () => (await (await fetch(`${site}/polls/open-change/`)).text()).includes('1 vote</span>'), {
        timeout: 5000,
        interval: 250,
      })
      .toBe(true);
  });

  it('never keeps a page for a reader with a session cookie, even one it no longer knows', async () => {
    const answers = [];
    for (let i = 0; i < 2; i++)
      answers.push(await fetch(`${site}/polls/`, { headers: { cookie: 'session=nonesuch' } }));
    for (const answer of answers) {
      expect(answer.headers.get('x-cache-status')).toBe('BYPASS');
      expect(answer.headers.get('cache-control')).toBe('private, no-cache');
      expect(answer.headers.get('set-cookie')).toMatch(/^session=;/);
    }
  });
});
