import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castBallots, startCohortPageServer, type PageCohort } from '../helpers/cohorts.ts';
import type { TestServer } from '../helpers/server.ts';

/**
 * The poll page's results by cohort, as HTML from a real server: a hidden
 * cohort shows that it is hidden and no figure, in the table, the chart's
 * label and the history; no address appears anywhere; a poll that hides its
 * results shows none of these figures either; the wallets that decide it say
 * so when they were worked out before the latest ballots.
 */

let setup: Awaited<ReturnType<typeof startCohortPageServer>>;
let server: TestServer;

beforeAll(async () => {
  setup = await startCohortPageServer();
  server = setup.server;
}, 120_000);

afterAll(async () => {
  await setup?.stop();
});

async function page(path: string): Promise<string> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The elements of a page, without its stylesheets and scripts (whose selectors name the same attributes). */
const markup = (html: string): string => html.replace(/<(style|script)\b[\s\S]*?<\/\1>/g, ' ');

/** Text of an HTML fragment: tags dropped, entities that matter here decoded, whitespace collapsed. */
function text(html: string): string {
  return markup(html)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The cohort table's row for a cohort, as text. */
function row(html: string, cohort: PageCohort | 'unverified'): string {
  const table = /<table[^>]*data-cohort-table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return text(new RegExp(`<tr[^>]*data-cohort="${cohort}"[\\s\\S]*?</tr>`).exec(table)?.[0] ?? '');
}

/** The results-by-cohort section (it holds sections of its own, so it ends after its downloads line). */
const section = (html: string): string =>
  /<section[^>]*id="cohorts"[\s\S]*?cohort-downloads[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

describe('the poll page by cohort, in HTML', () => {
  it('shows each cohort of 5 or more with its voters, votes and shares, a hidden one only as hidden', async () => {
    const html = await page('/polls/tok-open/');
    expect(row(html, 'whale')).toBe('Whales 5 20% (1) 80% (4) 0% (0)');
    expect(row(html, 'dolphin')).toBe('Dolphins 6 67% (4) 17% (1) 16% (1)');
    expect(row(html, 'unverified')).toBe('Not verified 4 25% (1) 0% (0) 75% (3)');
    // Insiders (2) and holds-none (4): the floor, and nothing else, in their rows.
    expect(row(html, 'insiders')).toBe('Insiders fewer than 5 voters');
    expect(row(html, 'none')).toBe('Holds none fewer than 5 voters');
    // The chart leaves them out too, and so does the history, at every moment.
    const label = /data-chart="cohorts"[^>]*aria-label="([^"]*)"/.exec(html)?.[1] ?? '';
    expect(label).toContain('Whales, Dolphins, Fish, Shrimp and Not verified');
    expect(label).not.toMatch(/Insiders|Holds none/);
    const history = /<table[^>]*data-cohort-history-table[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(history).toContain('data-cohort="whale"');
    expect(history).not.toMatch(/data-cohort="(insiders|none)"/);
  });

  it('never shows an address, in the page, the embed or the history', async () => {
    const bodies = [
      await page('/polls/tok-open/'),
      await page('/polls/tok-open/embed/'),
      await page('/polls/tok-open/?option=c'),
      await (await fetch(`${server.url}/api/polls/tok-open/history?by=cohort`)).text(),
    ].map((b) => b.toLowerCase());
    for (const body of bodies) {
      for (const v of setup.voters) expect(body).not.toContain(v.account.address.toLowerCase().slice(2));
    }
  });

  it('keeps the floor in the history JSON: a hidden cohort has no points', async () => {
    const response = await fetch(`${server.url}/api/polls/tok-open/history?by=cohort&period=hour`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      by: string;
      at: number[];
      cohorts: { id: string; points: { at: number; votes: number[]; percent: number[] }[] }[];
    };
    expect(body.by).toBe('cohort');
    expect(body.at.length).toBeGreaterThan(0);
    const points = (id: string) => body.cohorts.find((c) => c.id === id)?.points ?? [];
    expect(points('insiders')).toEqual([]);
    expect(points('none')).toEqual([]);
    expect(points('whale').at(-1)).toMatchObject({ votes: [1, 4, 0], percent: [20, 80, 0] });
    expect((await fetch(`${server.url}/api/polls/tok-open/history?by=wallet`)).status).toBe(400);
  });

  it('states the weighting, the four tallies in words and what they do not claim', async () => {
    const markupOf = section(await page('/polls/tok-open/'));
    const html = text(markupOf);
    expect(html).toContain('Weighted by the snapshot at block 777 (1 Dec 2025), source: CSV file holders.csv');
    expect(html).toContain('Weights come from the last snapshot before the poll opened');
    expect(html).not.toContain('Simulated data');
    for (const title of ['One ballot, one vote', 'One wallet, one vote', 'Token-weighted', 'Square root']) {
      expect(html).toContain(title);
    }
    // One column a tally: the counted ones with their votes, the weighted ones as whole percentages only.
    const tallies = /<table[^>]*data-tallies[\s\S]*?<\/table>/.exec(markupOf)?.[0] ?? '';
    const tallyRow = (id: string): string =>
      text(new RegExp(`<tr[^>]*data-option="${id}"[\\s\\S]*?</tr>`).exec(tallies)?.[0] ?? '');
    expect(tallyRow('a')).toBe('Alpha 49% (16) 52% (15) 32% 42%');
    expect(tallyRow('b')).toBe('Beta 30% (10) 34% (10) 64% 51%');
    expect(tallyRow('c')).toBe('Gamma 21% (7) 14% (4) 4% 7%');
    expect(html).toContain('One ballot, one vote (every ballot, anonymous ones too): Alpha leads.');
    expect(html).toContain('Token-weighted (each wallet by its balance): Beta leads.');
    expect(html).toContain('Wallets lean Alpha; tokens lean Beta.');
    expect(html).toContain('Fewer than 5 wallets decide it.');
    expect(html).toContain('not Snapshot’s quadratic voting');
    expect(html).toContain('whole percentages, shown only once 20 verified ballots are in');
    expect(markupOf).toContain('href="/api/polls/tok-open/cohorts.csv"');
    expect(markupOf).not.toContain('ballots.csv');
  });

  it('gives the widget a line built from the cohort figures, linking to the breakdown', async () => {
    const embed = await page('/polls/tok-open/embed/');
    const link = /<a href="([^"]*)"[^>]*class="poll-cohort-link[\s\S]*?<\/a>/.exec(embed);
    expect(link?.[1]).toBe('/polls/tok-open/#cohorts');
    expect(text(link?.[0] ?? '')).toBe('tokens lean Beta');
    const summary = /<p class="poll-summary"[\s\S]*?<\/p>/.exec(embed)?.[0] ?? '';
    expect(text(summary)).toBe('33 votes · 29 wallet-verified · tokens lean Beta · Open');
    // On the poll page itself the link stays on the page.
    expect(await page('/polls/tok-open/')).toMatch(/<a href="#cohorts"[^>]*class="poll-cohort-link/);
  });

  it('picks the history’s option with ?option= (the form without JavaScript), the first by default', async () => {
    const caption = (html: string): string =>
      text(/<figcaption>(Share choosing[^<]*)<\/figcaption>/.exec(html)?.[1] ?? '');
    expect(caption(await page('/polls/tok-open/'))).toBe(
      'Share choosing “Alpha” within each cohort (hourly, cumulative)',
    );
    const beta = await page('/polls/tok-open/?option=b');
    expect(caption(beta)).toContain('“Beta”');
    expect(beta).toMatch(/<option value="b" selected/);
    expect(caption(await page('/polls/tok-open/?option=nope'))).toContain('“Alpha”');
  });

  it('shows no cohort figure where the poll hides its results, in the page, the widget or the API', async () => {
    const html = await page('/polls/tok-after-close/');
    const cohorts = text(section(html));
    expect(cohorts).toContain('Weighted by the snapshot at block 777');
    expect(cohorts).toContain('Results by cohort appear when voting closes');
    expect(markup(html)).not.toMatch(/data-cohort-table|data-tallies|data-cohort-history-table|data-chart="cohorts"/);
    // No count, share or verified count anywhere ("fewer than 30 votes" is the small-sample note's wording; the
    // embed code's frame is 100% wide, which is no result).
    const withoutEmbedCode = html.replace(/<details class="embed-code">[\s\S]*?<\/details>/, '');
    expect(text(withoutEmbedCode)).not.toMatch(/wallet-verified|\d+%|(?<!than )\b\d+ votes?\b/);
    expect((await fetch(`${server.url}/api/polls/tok-after-close/history?by=cohort`)).status).toBe(403);
    expect((await fetch(`${server.url}/api/polls/tok-after-close/cohorts.csv`)).status).toBe(403);
  });

  it('says before anyone votes that ballots will be public, and links them once the poll has closed', async () => {
    const open = await page('/polls/tok-public/');
    const widget = text(/<poll-widget[\s\S]*?<\/poll-widget>/.exec(open)?.[0] ?? '');
    expect(widget).toContain(
      'Public ballots: when this poll closes, every wallet-verified ballot is published with its address.',
    );
    expect(text(section(open))).toContain('When this poll closes, every wallet-verified ballot is published');
    expect(open).not.toContain('ballots.csv');
    const closed = await page('/polls/tok-public-closed/');
    expect(closed).toContain('href="/api/polls/tok-public-closed/ballots.csv"');
    expect(text(section(closed))).toContain('This poll publishes its ballots, so no cohort is hidden.');
  });
});

describe('the wallets that decide it, while they are worked out again', () => {
  type Decisive = { countsVersion: number; updating: boolean };
  const decisiveNow = async (): Promise<Decisive> =>
    ((await (await fetch(`${server.url}/api/polls/tok-open`)).json()) as { decisiveWallets: Decisive }).decisiveWallets;
  const decisiveLine = (html: string): string => text(/<p data-decisive[\s\S]*?<\/p>/.exec(section(html))?.[0] ?? '');

  // Runs last: it adds ballots to tok-open.
  it('says "updating" beside a figure worked out before the latest ballot, in both languages, and not once it is fresh', async () => {
    // A ballot, then reads until the wallets are worked out at its counts (at most every 10 s): a fresh figure.
    await castBallots(server, 'tok-open', [{ account: null, optionIds: ['a'] }]);
    let decisive = await decisiveNow();
    for (let tries = 0; decisive.updating && tries < 60; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      decisive = await decisiveNow();
    }
    expect(decisive.updating).toBe(false);
    const fresh = await page('/polls/tok-open/');
    expect(fresh).not.toContain('data-decisive-updating');
    expect(decisiveLine(fresh)).toContain('Fewer than 5 wallets decide it.');

    // Another ballot within the 10 s: the page keeps the figure it has and says that it is being updated.
    await castBallots(server, 'tok-open', [{ account: null, optionIds: ['b'] }]);
    const [english, chinese] = [await page('/polls/tok-open/'), await page('/zh/polls/tok-open/')];
    // The API, read after the pages, still serves the older figure: the pages were read in the same window.
    expect(await decisiveNow()).toMatchObject({ countsVersion: decisive.countsVersion, updating: true });
    expect(decisiveLine(english)).toMatch(
      /^Fewer than 5 wallets decide it\. Updating: worked out before the latest ballots\. \(The fewest wallets/,
    );
    expect(english).toMatch(/<p data-decisive data-updating="true"/);
    expect(decisiveLine(chinese)).toContain('更新中：此数字算于最新选票之前。');
  });
});
