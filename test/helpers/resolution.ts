import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress } from 'viem';
import { stringify } from 'yaml';
import { loadTokenDefinition } from '../../src/lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../../src/lib/cohorts/weighting.ts';
import { castVotes } from '../../src/lib/polls/store/cast.server.ts';
import { syncPollDefinitions } from '../../src/lib/polls/store/definitions.server.ts';
import { pollDefinitionSchema } from '../../src/lib/polls/schemas.ts';
import type { Database } from '../../src/lib/platform/db/db.server.ts';
import { importSnapshots, testAddress, type HolderExport } from './snapshots.ts';

/** Polls that resolve against OPG's top-10 share, for the resolution tests. */

export const POLL_INPUT = {
  id: 'top-ten-by-march',
  question: 'Will the ten largest holders hold less by March?',
  options: [
    { id: 'less', label: 'Less' },
    { id: 'more', label: 'More' },
    { id: 'same', label: 'About the same' },
    { id: 'unsure', label: 'Nobody can tell' },
  ],
  opensAt: '2026-01-01T00:00:00Z',
  closesAt: '2026-02-01T00:00:00Z',
  token: 'OPG',
  resolution: {
    metric: 'top10Share',
    scope: 'all',
    from: 'opens',
    at: '2026-03-01',
    outcomes: { less: { below: -0.01 }, more: { above: 0.01 }, same: { between: [-0.01, 0.01] } },
  },
};
export const POLL = pollDefinitionSchema.parse(POLL_INPUT);
/** The same poll still open: pending until 2099. */
export const OPEN_INPUT = {
  ...POLL_INPUT,
  id: 'top-ten-by-2099',
  closesAt: '2099-01-01T00:00:00Z',
  resolution: { ...POLL_INPUT.resolution, at: '2099-02-01' },
};

export const weighting = (symbol: string) => {
  const token = loadTokenDefinition(symbol);
  return token && weightingTokenOf(token);
};

/** Twelve holders: ten large ones of `large` tokens each and two of 500,000 each. */
export function holders(large: number): [string, number][] {
  return [
    ...Array.from({ length: 10 }, (_, i): [string, number] => [testAddress(0x100 + i), large]),
    [testAddress(0x200), 500_000],
    [testAddress(0x201), 500_000],
  ];
}

/** The top-10 share worked out here from the rows themselves, not by the site's metrics. */
export function topTenShare(rows: HolderExport[2]): number {
  const balances = rows.map(([, b]) => Number(b)).sort((a, b) => b - a);
  const total = balances.reduce((s, b) => s + b, 0);
  return balances.slice(0, 10).reduce((s, b) => s + b, 0) / total;
}

/**
 * Both polls synced into `db` (at `url`), snapshots imported through
 * snapshot:import before voting and after `at`, eight ballots each written
 * through the group commit (six by cookie: 3 less, 1 more, 2 unsure; two by
 * wallet: more, less), and a polls folder for the server holding them and one
 * plain poll. Returns that folder.
 */
export async function seedResolvingPolls(db: Database, url: string): Promise<string> {
  const polls = [POLL, pollDefinitionSchema.parse(OPEN_INPUT)];
  await syncPollDefinitions(db, polls, weighting);
  importSnapshots(url, 'OPG', [[100, '2025-12-20', holders(1_000_000)]]);
  // Ballots written through the group commit, as the demo's past ballots are: six by cookie, two by wallet.
  const anonymous = ['less', 'less', 'less', 'more', 'unsure', 'unsure'];
  const wallets: [string, string][] = [
    [getAddress(testAddress(0x100)), 'more'],
    [getAddress(testAddress(0x101)), 'less'],
  ];
  const now = Date.parse('2026-01-15T00:00:00Z');
  for (const poll of polls) {
    await castVotes(db, [
      ...anonymous.map((optionId, i) => ({
        pollId: poll.id,
        voterId: `cookie-${i}`,
        optionIds: [optionId],
        now,
        allowChange: false,
        tokenPoll: true,
      })),
      ...wallets.map(([address, optionId], i) => ({
        pollId: poll.id,
        voterId: `wallet-${i}`,
        address,
        optionIds: [optionId],
        now,
        allowChange: false,
        tokenPoll: true,
      })),
    ]);
  }
  importSnapshots(url, 'OPG', [[200, '2026-03-05', holders(400_000)]]);

  const dir = mkdtempSync(join(tmpdir(), 'resolution-polls-'));
  writeFileSync(join(dir, `${POLL.id}.yaml`), stringify(POLL_INPUT));
  writeFileSync(join(dir, `${OPEN_INPUT.id}.yaml`), stringify(OPEN_INPUT));
  copyFileSync(
    new URL('../../src/content/polls/opg-liquidity-ghost.yaml', import.meta.url),
    join(dir, 'opg-liquidity-ghost.yaml'),
  );
  return dir;
}
