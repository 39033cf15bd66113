import type { PrivateKeyAccount } from 'viem/accounts';
import { beforeAll, describe, expect, it } from 'vitest';
import { WITHOUT_NETWORK_LIMITS } from '../helpers/comments.ts';
import { serverForTests } from '../helpers/server.ts';
import { importSnapshots } from '../helpers/snapshots.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

/**
 * Holder badges on a real server: comments by wallets that sign in with
 * SIWE, under a post whose first token is OPG (thresholds 0.1% / 0.01% /
 * 0.001% of supply), badged from CSV snapshots imported with the
 * operator's script while the server runs. Each badge is checked in the
 * JSON API, in the no-JavaScript page and in the fragment the widget reloads.
 */

const SLUG = 'opg-distribution-question';
// Many readers from one address: the limits per network are tested on their own.
const env = serverForTests({ env: WITHOUT_NETWORK_LIMITS });

interface Commenter {
  account: PrivateKeyAccount;
  cookie: string;
}
const names = ['whale', 'dolphin', 'fish', 'shrimp', 'seller', 'nobody'] as const;
type Name = (typeof names)[number];
const people = {} as Record<Name, Commenter>;
const holder = (name: Name): string => people[name].account.address.toLowerCase();
const filler = '0x00000000000000000000000000000000000f111e';

// The latest snapshot's supply is 1,000,000 OPG: a whale holds at least 1,000, a dolphin 100, a fish 10.
const ONE_UNIT_BELOW = (tokens: number): string => `${tokens - 1}.${'9'.repeat(18)}`;
const DATE = { 100: '2025-11-01', 200: '2025-12-01', 300: '2026-01-01' } as const;
const holdersAt = (block: keyof typeof DATE): [string, string][] => {
  const holders: Record<keyof typeof DATE, [string, string][]> = {
    100: [
      [holder('whale'), '5'],
      [holder('dolphin'), '5'],
      [holder('seller'), '5'],
      [filler, '100'],
    ],
    200: [
      [holder('whale'), '5'],
      [holder('fish'), '5'],
      [holder('seller'), '5'],
      [filler, '100'],
    ],
    300: [
      [holder('whale'), '1000'],
      [holder('dolphin'), ONE_UNIT_BELOW(1000)],
      [holder('fish'), '10'],
      [holder('shrimp'), ONE_UNIT_BELOW(10)],
      [filler, '997980.000000000000000002'],
    ],
  };
  return holders[block];
};

const LATEST = { block: 300, takenAt: '2026-01-01T00:00:00.000Z', simulated: false };
const since = (block: number, date: string): { block: number; takenAt: string } => ({
  block,
  takenAt: `${date}T00:00:00.000Z`,
});
const EXPECTED: Record<
  Name,
  { cohort: string; text: string; holdingSince: { block: number; takenAt: string } | null }
> = {
  whale: { cohort: 'whale', text: 'whale', holdingSince: since(100, '2025-11-01') },
  // Held at 100, not at 200: holding again since 300.
  dolphin: { cohort: 'dolphin', text: 'dolphin', holdingSince: since(300, '2026-01-01') },
  fish: { cohort: 'fish', text: 'fish', holdingSince: since(200, '2025-12-01') },
  shrimp: { cohort: 'shrimp', text: 'shrimp', holdingSince: since(300, '2026-01-01') },
  seller: { cohort: 'none', text: 'holds none', holdingSince: null },
  nobody: { cohort: 'none', text: 'holds none', holdingSince: null },
};

interface Comment {
  id: number;
  address: string;
  body: string | null;
  badge: unknown;
  replies: Comment[];
}

async function post(who: Name, body: string, parentId?: number): Promise<{ status: number; comments: Comment[] }> {
  const res = await fetch(`${env.server.url}/api/posts/${SLUG}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: env.server.url, cookie: people[who].cookie },
    body: JSON.stringify(parentId === undefined ? { body } : { body, parentId }),
  });
  return { status: res.status, comments: ((await res.json()) as { comments: Comment[] }).comments };
}

async function listed(): Promise<Comment[]> {
  const res = await fetch(`${env.server.url}/api/posts/${SLUG}/comments?order=oldest`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { comments: Comment[] }).comments.flatMap((c) => [c, ...c.replies]);
}

const textOf = (html: string): string =>
  html
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

async function page(path: string): Promise<string> {
  const res = await fetch(`${env.server.url}${path}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Each comment's header as a reader sees it: its text, and the badge's tooltips. */
async function headers(path: string): Promise<Map<number, { text: string; titles: string[] }>> {
  const html = await page(path);
  const found = new Map<number, { text: string; titles: string[] }>();
  for (const match of html.matchAll(
    /id="comment-(\d+)"[\s\S]*?<header class="comment-meta"[^>]*>([\s\S]*?)<\/header>/g,
  )) {
    const header = match[2] ?? '';
    found.set(Number(match[1]), {
      text: textOf(header),
      titles: [...header.matchAll(/class="holder-[a-z]+"[^>]*title="([^"]*)"|title="([^"]*)"[^>]*class="holder-/g)].map(
        (m) => m[1] ?? m[2] ?? '',
      ),
    });
  }
  return found;
}

beforeAll(async () => {
  for (const name of names) {
    const account = newAccount();
    people[name] = { account, cookie: await signIn(env.server.url, account) };
  }
});

describe('holder badges on comments', () => {
  it('shows no badge while the post’s token has no snapshot', async () => {
    const first = await post('whale', 'Before any snapshot.');
    expect(first.status).toBe(201);
    expect(first.comments.map((c) => c.badge)).toEqual([null]);
    const html = await page(`/posts/${SLUG}/comments/`);
    expect(html).toContain('Before any snapshot.');
    expect(html).not.toContain('class="holder-badge"');
    expect(html).not.toContain('class="holder-note"');
  });

  it('badges every commenter from the latest snapshot once snapshots land, in the JSON API', async () => {
    importSnapshots(
      env.server.databaseUrl,
      'OPG',
      ([100, 200, 300] as const).map((block) => [block, DATE[block], holdersAt(block)]),
    );
    const written = await post('dolphin', 'Written after the snapshots.');
    expect(written.status).toBe(201);
    const mine = written.comments.find((c) => c.body === 'Written after the snapshots.');
    expect(mine?.badge).toMatchObject({ token: 'OPG', ...EXPECTED.dolphin });
    for (const name of names.filter((n) => n !== 'whale' && n !== 'dolphin')) {
      expect((await post(name, `I am ${name}.`)).status).toBe(201);
    }
    const top = (await listed())[0];
    expect((await post('nobody', 'A reply gets a badge too.', top?.id)).status).toBe(201);

    const comments = await listed();
    expect(comments).toHaveLength(names.length + 1);
    for (const comment of comments) {
      const name = names.find((n) => people[n].account.address === comment.address);
      expect(name).toBeDefined();
      expect(comment.badge).toEqual({
        token: 'OPG',
        ...EXPECTED[name ?? 'nobody'],
        label: null,
        snapshot: LATEST,
      });
    }
  });

  it('shows the same badges in the server-rendered page and in the fragment the widget reloads', async () => {
    const comments = await listed();
    for (const path of [`/posts/${SLUG}/comments/`, `/posts/${SLUG}/comments/?fragment=1`]) {
      const note = textOf(/<p class="holder-note"[^>]*>([\s\S]*?)<\/p>/.exec(await page(path))?.[1] ?? '');
      expect(note).toMatch(/^Holder badges: OPG at its latest snapshot, block 300 of 1 Jan 2026\. /);
      expect(note).not.toContain('simulated');
      const found = await headers(path);
      for (const comment of comments) {
        const name = names.find((n) => people[n].account.address === comment.address) ?? 'nobody';
        const expected = EXPECTED[name];
        const header = found.get(comment.id);
        expect(header?.text, path).toContain(`OPG ${expected.text}`);
        expect(header?.titles[0]).toBe(`OPG ${expected.text} at the latest snapshot: block 300, 1 Jan 2026`);
        if (expected.holdingSince) {
          // Day first, as every date on the site (src/lib/i18n/dates.ts).
          const date = new Date(expected.holdingSince.takenAt).toLocaleDateString('en-GB', {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            timeZone: 'UTC',
          });
          expect(header?.text).toContain(`holding since ${date} (block ${expected.holdingSince.block})`);
          expect(header?.titles[1]).toContain(`in every snapshot from block ${expected.holdingSince.block}`);
        } else {
          expect(header?.text).not.toContain('holding since');
        }
      }
    }
  });
});

describe('when snapshots change', () => {
  const badgeOf = async (name: Name): Promise<unknown> =>
    (await listed()).find((c) => c.address === people[name].account.address)?.badge;

  it('reads a corrected older snapshot and a newer one at once, though badges were read before', async () => {
    // Block 200 again, now with the dolphin: it has held since block 100.
    importSnapshots(env.server.databaseUrl, 'OPG', [[200, DATE[200], [...holdersAt(200), [holder('dolphin'), '5']]]]);
    expect(await badgeOf('dolphin')).toMatchObject({ cohort: 'dolphin', holdingSince: since(100, '2025-11-01') });

    // Block 400: the whale has sold everything; the fish keeps holding.
    const sold = holdersAt(300).filter(([address]) => address !== holder('whale'));
    importSnapshots(env.server.databaseUrl, 'OPG', [[400, '2026-02-01', sold]]);
    const latest = { block: 400, takenAt: '2026-02-01T00:00:00.000Z', simulated: false };
    expect(await badgeOf('whale')).toMatchObject({ cohort: 'none', holdingSince: null, snapshot: latest });
    expect(await badgeOf('fish')).toMatchObject({ holdingSince: since(200, '2025-12-01'), snapshot: latest });
  });
});
