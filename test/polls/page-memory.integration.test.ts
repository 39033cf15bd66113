import { describe, expect, it } from 'vitest';
import { SNAPSHOT_BLOCK, startTokenPollServer } from '../helpers/cohorts.ts';
import { importSnapshot, writeHoldersCsv } from '../helpers/snapshot-import.ts';
import { newAccount } from '../helpers/wallet.ts';
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

describe('a token poll’s page from memory', () => {
  it('is rendered anew once a snapshot lands, without waiting for the age limit', async () => {
    const holders = [
      { account: newAccount(), tokens: 1_000n },
      { account: newAccount(), tokens: 10n },
    ];
    const setup = await startTokenPollServer(holders, {
      'tst-memory': [
        'id: tst-memory',
        'question: Will the top ten hold more?',
        'token: TST',
        'opensAt: 2025-12-05T00:00:00Z',
        'closesAt: 2027-01-01T00:00:00Z',
        'options:',
        '  - { id: down, label: Less }',
        '  - { id: same, label: The same }',
        '  - { id: up, label: More }',
        'resolution:',
        '  { metric: top10Share, scope: all, from: opens, at: 2027-02-01,',
        '    outcomes: { down: { below: 0 }, same: { between: [0, 0] }, up: { above: 0 } } }',
        '',
      ].join('\n'),
    });
    try {
      const read = async () => {
        const response = await fetch(`${setup.server.url}/polls/tst-memory/`);
        expect(response.status).toBe(200);
        return { etag: response.headers.get('etag'), body: await response.text() };
      };
      const before = await read();
      expect((await read()).etag).toBe(before.etag);
      // Pending: measured from the snapshot before it opened, the latest one so far the same.
      expect(before.body).toContain('block 777');
      expect(before.body).not.toContain('block 877');
      // A second snapshot: the poll's record is the same, the chain's data is not.
      const csv = writeHoldersCsv(setup.dir, 'later.csv', [
        [holders[0]?.account.address ?? '', 400n],
        [holders[1]?.account.address ?? '', 610n],
      ]);
      const imported = await importSnapshot(
        setup.server.databaseUrl,
        ['TST', csv, '--block', String(SNAPSHOT_BLOCK + 100), '--date', '2025-12-08'],
        { TOKENS_DIR: setup.tokensDir },
      );
      expect(imported.code, imported.output).toBe(0);
      // The chain's version is kept a second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const after = await read();
      expect(after.etag).not.toBe(before.etag);
      // The resolution's latest snapshot, in the page at once (a pending standing is read again when the
      // chain's data moves, not only every 10 s).
      expect(after.body).toContain('block 877');
    } finally {
      await setup.stop();
    }
  }, 90_000);
});
