import { fileURLToPath } from 'node:url';
import { Placeholder } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPollDefinitions } from '../../src/lib/polls/definitions.server.ts';
import { castVote } from '../../src/lib/polls/store/cast.server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import {
  getReaderBallot,
  getReaderBallots,
  readerBallotsQuery,
  type Reader,
} from '../../src/lib/polls/store/reads.server.ts';
import { tempDatabase } from '../helpers/temp-db.ts';

/**
 * The list page reads a reader's ballots in every poll in one statement. It must give, poll by poll, what
 * the one-poll read gives (a wallet's ballot before the browser's, none of the browser's in a wallet-only
 * poll, every choice of a multiple-choice ballot), and reach the ballots by index, not by reading them all.
 */

const POLLS = fileURLToPath(new URL('../fixtures/polls/', import.meta.url));
const IDS = ['open-single', 'open-multi', 'wallet-only', 'open-change'];
const WALLET = '0x00000000000000000000000000000000000000A1';
const OTHER_WALLET = '0x00000000000000000000000000000000000000B2';
const NOW = Date.parse('2026-06-01T00:00:00Z');

let temp: Awaited<ReturnType<typeof tempDatabase>>;

beforeAll(async () => {
  temp = await tempDatabase();
  const definitions = loadPollDefinitions(POLLS);
  await syncPollDefinitions(temp.db, definitions);
  const cast = (pollId: string, voterId: string, optionIds: string[], address: string | null = null) =>
    castVote(temp.db, { pollId, voterId, address, optionIds, now: NOW, allowChange: false });
  // This browser voted anonymously in one poll and twice over (two choices) in another.
  await cast('open-single', 'browser', ['b']);
  await cast('open-multi', 'browser', ['c', 'a']);
  // The wallet voted from another browser in open-single, and in the wallet-only poll.
  await cast('open-single', 'elsewhere', ['a'], WALLET);
  await cast('wallet-only', 'elsewhere-2', ['c'], WALLET);
  // Another wallet claimed a ballot cast in this browser: it is no longer this browser's.
  await cast('open-change', 'browser', ['a'], OTHER_WALLET);
  // Ballots of others, which must not show up.
  for (let i = 0; i < 20; i++) await cast('open-single', `other-${i}`, ['a']);
});

afterAll(() => temp.dispose());

const READERS: Record<string, Reader> = {
  'an anonymous browser': { voterId: 'browser', address: null },
  'a signed-in wallet in that browser': { voterId: 'browser', address: WALLET },
  'the wallet in a fresh browser': { voterId: 'fresh', address: WALLET },
  'a stranger': { voterId: 'stranger', address: null },
  'a reader with no cookie': { voterId: null, address: null },
};

describe("a reader's ballots in every poll at once", () => {
  it.each(Object.entries(READERS))('match the one-poll read for %s', async (_, reader) => {
    const together = await getReaderBallots(temp.db, IDS, reader);
    for (const id of IDS) {
      const alone = await getReaderBallot(temp.db, { id, voters: id === 'wallet-only' ? 'wallet' : 'anyone' }, reader);
      expect(together.get(id) ?? null, id).toEqual(alone);
    }
  });

  it('finds what each reader cast, and nothing of the others', async () => {
    const anonymous = await getReaderBallots(temp.db, IDS, READERS['an anonymous browser']!);
    // Cast in this browser and claimed by a wallet since: still this browser's while nobody is signed in.
    expect([...anonymous.keys()].sort()).toEqual(['open-change', 'open-multi', 'open-single']);
    expect(anonymous.get('open-change')).toMatchObject({ optionIds: ['a'], verified: true });
    expect(anonymous.get('open-single')).toMatchObject({ optionIds: ['b'], verified: false });
    expect(anonymous.get('open-multi')?.optionIds).toEqual(['a', 'c']);

    const signedIn = await getReaderBallots(temp.db, IDS, READERS['a signed-in wallet in that browser']!);
    expect(signedIn.get('open-single')).toMatchObject({ optionIds: ['a'], verified: true });
    expect(signedIn.get('wallet-only')).toMatchObject({ optionIds: ['c'], verified: true });
    expect(signedIn.get('open-multi')).toMatchObject({ optionIds: ['a', 'c'], verified: false });
    expect(signedIn.has('open-change')).toBe(false);
  });

  it('reaches the ballots through the indexes, whatever the number of polls', async () => {
    for (const ids of [IDS.slice(0, 1), IDS]) {
      const { sql, params } = readerBallotsQuery(temp.db, ids).toSQL();
      const reader = READERS['a signed-in wallet in that browser']!;
      const args = params.map((p) => (p instanceof Placeholder ? reader[p.name as keyof Reader] : p));
      const plan = await temp.db.$client.execute({ sql: `explain query plan ${sql}`, args: args as never });
      const steps = plan.rows.map((row) => String(row.detail));
      expect(
        steps.filter((step) => step.startsWith('SCAN')),
        steps.join('\n'),
      ).toEqual([]);
      expect(steps.join('\n')).toContain('votes_poll_address_unique (poll_id=? AND address=?)');
      expect(steps.join('\n')).toContain('votes_poll_voter_unique (poll_id=? AND voter_id=?)');
    }
  });
});
