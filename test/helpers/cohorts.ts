import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivateKeyAccount } from 'viem/accounts';
import { vote } from './polls.ts';
import { startServer, type TestServer } from './server.ts';
import { importSnapshot, writeHoldersCsv } from './snapshot-import.ts';
import { newAccount, signIn } from './wallet.ts';

/**
 * A token poll on a real server: a token TST defined in a temp TOKENS_DIR,
 * a CSV snapshot of its holders imported with `npm run snapshot:import`
 * (block 777, 1 Dec 2025) and polls in a temp POLLS_DIR; wallets then sign
 * in with SIWE and vote over HTTP.
 */

export const UNIT = 10n ** 18n;
export const SNAPSHOT_BLOCK = 777;

export type HolderLabel = 'exchange' | 'team' | 'vesting';

export interface Holder {
  account: PrivateKeyAccount;
  /** Whole tokens in the snapshot; 0 = not in it. */
  tokens: bigint;
  label?: HolderLabel;
}

/** `[how many, whole tokens, what the test expects of them, their choices, label?]`, one row per group of wallets. */
export type PlanRow<Cohort extends string, Option extends string> = [number, bigint, Cohort, Option[], HolderLabel?];

/** Wallets for a plan: each gets a new account and, in turn, the row's choices (the first option once they run out). */
export function votersFromPlan<Cohort extends string, Option extends string>(
  plan: readonly PlanRow<Cohort, Option>[],
): (Holder & { cohort: Cohort; choice: Option })[] {
  return plan.flatMap(([n, tokens, cohort, choices, label]) =>
    Array.from({ length: n }, (_, i) => ({
      account: newAccount(),
      tokens,
      cohort,
      choice: choices[i] ?? (choices[0] as Option),
      ...(label ? { label } : {}),
    })),
  );
}

export interface TokenPollServer {
  server: TestServer;
  /** The token file's directory, for another `snapshot:import` while the server runs. */
  tokensDir: string;
  /** A directory for more CSV exports. */
  dir: string;
  /** Stops the server and removes every temp file. */
  stop(): Promise<void>;
}

/**
 * Writes the token (cohorts at 10% / 1% / 0.1% of supply, the holders'
 * labels), the polls (`{ id: yaml }`) and the holders' CSV (whole tokens, as
 * explorers export them), imports the snapshot and starts the server on that
 * database.
 */
export async function startTokenPollServer(
  holders: readonly Holder[],
  polls: Readonly<Record<string, string>>,
  env: Record<string, string> = {},
): Promise<TokenPollServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cohorts-'));
  const tokens = join(dir, 'tokens');
  const pollsDir = join(dir, 'polls');
  mkdirSync(tokens);
  mkdirSync(pollsDir);
  const labels = holders
    .filter((v) => v.label)
    .map((v) => `  '${v.account.address}': { name: 'Labelled ${v.label}', kind: ${v.label} }`)
    .join('\n');
  writeFileSync(
    join(tokens, 'tst.yaml'),
    `symbol: TST\nname: Test token\nchainId: 31337\ndecimals: 18\nrpcEnv: RPC_URL_31337\n` +
      `cohorts: { whale: 10, dolphin: 1, fish: 0.1 }\n${labels ? `labels:\n${labels}\n` : ''}`,
  );
  for (const [id, yaml] of Object.entries(polls)) writeFileSync(join(pollsDir, `${id}.yaml`), yaml);
  const csv = writeHoldersCsv(
    dir,
    'holders.csv',
    holders.filter((v) => v.tokens > 0n).map((v) => [v.account.address, v.tokens]),
  );
  const databaseUrl = `file:${join(dir, 'app.db')}`;
  const imported = await importSnapshot(
    databaseUrl,
    ['TST', csv, '--block', String(SNAPSHOT_BLOCK), '--date', '2025-12-01'],
    { TOKENS_DIR: tokens },
  );
  if (imported.code !== 0) throw new Error(`snapshot import failed:\n${imported.output}`);
  const server = await startServer({
    databaseUrl,
    // Every wallet signs in and votes from this one client, more than the per-network limits allow.
    env: { POLLS_DIR: pollsDir, TOKENS_DIR: tokens, VOTE_RATE_LIMIT: '0', VERIFY_RATE_LIMIT: '0', ...env },
    // Several of these start at once in a test run, on two cores.
    timeoutMs: 60_000,
  });
  return {
    server,
    tokensDir: tokens,
    dir,
    async stop() {
      await server.stop();
      server.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs each wallet in (once per account) and casts its ballot; `null` accounts vote anonymously. */
export async function castBallots(
  server: TestServer,
  pollId: string,
  ballots: readonly { account: PrivateKeyAccount | null; optionIds: string[] }[],
  sessions = new Map<string, string>(),
): Promise<void> {
  for (const { account, optionIds } of ballots) {
    let cookie: string | null = null;
    if (account) {
      cookie = sessions.get(account.address) ?? (await signIn(server.url, account));
      sessions.set(account.address, cookie);
    }
    const cast = await vote(server.url, pollId, optionIds, { cookie });
    if (cast.status !== 201) {
      throw new Error(`vote answered ${cast.status}: ${JSON.stringify(cast.body)}\n${server.output().slice(-3000)}`);
    }
  }
}

export type PageOption = 'a' | 'b' | 'c';
export type PageCohort = 'whale' | 'dolphin' | 'fish' | 'shrimp' | 'insiders' | 'none';

/**
 * A mix of holders that exercises every cohort rule: 29 wallets and 4 cookie
 * ballots. Supply 10,000 tokens, thresholds 10% / 1% / 0.1%: whale >= 1,000,
 * dolphin >= 100, fish >= 10. Whales lean Beta and the rest Alpha, so
 * wallets and tokens disagree; insiders (2) and holds-none (4, one an
 * exchange) are under the floor and hidden together.
 */
export const MIXED_PLAN: PlanRow<PageCohort, PageOption>[] = [
  [5, 1200n, 'whale', ['b', 'b', 'b', 'a', 'b']],
  [6, 300n, 'dolphin', ['a', 'a', 'b', 'a', 'c', 'a']],
  [6, 50n, 'fish', ['a', 'c', 'a', 'a', 'b', 'a']],
  [6, 5n, 'shrimp', ['a', 'a', 'c', 'a', 'a', 'b']],
  [1, 1000n, 'insiders', ['b'], 'team'],
  [1, 500n, 'insiders', ['a'], 'vesting'],
  [1, 370n, 'none', ['b'], 'exchange'],
  [3, 0n, 'none', ['a', 'c', 'b']],
];
export const MIXED_ANONYMOUS: PageOption[] = ['c', 'c', 'a', 'c'];

const pagePoll = (id: string, question: string, extra: string): string =>
  `id: ${id}\nquestion: ${question}\ntoken: TST\n${extra}options:\n` +
  `  - { id: a, label: Alpha }\n  - { id: b, label: Beta }\n  - { id: c, label: Gamma }\n`;

/** The polls of the page fixture, by id. */
export const PAGE_POLLS = {
  /** Open, results always shown: every figure on the page. */
  // Opened a day ago, so the page charts its history hour by hour.
  'tok-open': pagePoll(
    'tok-open',
    'Which way for TST?',
    `opensAt: ${new Date(Date.now() - 86_400_000).toISOString()}\n`,
  ),
  /** Open, results after close: the same ballots, no figure on the page. */
  'tok-after-close': pagePoll(
    'tok-after-close',
    'Which way, after close?',
    'opensAt: 2026-01-01T00:00:00Z\nclosesAt: 2099-01-01T00:00:00Z\nresults: after-close\n',
  ),
  /** Open with public ballots, no votes yet: the notice before anyone votes. */
  'tok-public': pagePoll('tok-public', 'Which way, in public?', 'opensAt: 2026-01-01T00:00:00Z\npublicBallots: true\n'),
  /** Closed with public ballots: the link to ballots.csv. */
  'tok-public-closed': pagePoll(
    'tok-public-closed',
    'Which way, in public, then?',
    'opensAt: 2025-01-01T00:00:00Z\nclosesAt: 2025-02-01T00:00:00Z\npublicBallots: true\n',
  ),
} as const;

/** The page fixture on a real server: MIXED_PLAN's ballots cast in tok-open and tok-after-close. */
export async function startCohortPageServer(): Promise<
  TokenPollServer & { voters: (Holder & { cohort: PageCohort; choice: PageOption })[] }
> {
  const voters = votersFromPlan(MIXED_PLAN);
  const setup = await startTokenPollServer(voters, PAGE_POLLS);
  const sessions = new Map<string, string>();
  const ballots = [
    ...voters.map((v) => ({ account: v.account, optionIds: [v.choice] })),
    ...MIXED_ANONYMOUS.map((choice) => ({ account: null, optionIds: [choice] })),
  ];
  for (const id of ['tok-open', 'tok-after-close']) await castBallots(setup.server, id, ballots, sessions);
  return { ...setup, voters };
}
