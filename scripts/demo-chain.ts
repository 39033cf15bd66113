/**
 * `npm run demo:chain [-- --out FILE]`: regenerates the simulated demo.
 *
 * 1. A local EVM node, the OPGSIM token and a scripted history in phases, with
 *    a snapshot after each through the same RPC ingestion as real tokens,
 *    into a scratch database; every snapshot is stored as simulated.
 * 2. The built site on that database: the scripted holders sign in with SIWE
 *    and vote in the demo poll through the HTTP API, beside some cookie ballots.
 * 3. What that left (snapshots with every balance, ballots) goes to
 *    db/demo/opgsim.json, which `npm start` loads, so the demo needs no chain.
 *
 * Nothing here is real: the wallets' keys are derived from public strings and
 * only ever hold simulated tokens on a throwaway local chain.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { createPublicClient, http, keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { ingest } from '../src/lib/chain/ingest.server.ts';
import { loadTokenDefinition } from '../src/lib/chain/tokens.server.ts';
import { exportDemoFixture } from '../src/lib/demo/demo.server.ts';
import { castVote } from '../src/lib/polls/store/cast.server.ts';
import { getPoll } from '../src/lib/polls/store/reads.server.ts';
import { HOUR_MS } from '../src/lib/polls/history.ts';
import { newVoterId } from '../src/lib/polls/voter.ts';
import { submitVote, type VotingDeps } from '../src/lib/polls/votes.server.ts';
import { readBuildInfo } from '../src/lib/platform/runtime/build-info.server.ts';
import { migrateDatabase, openDatabase } from '../src/lib/platform/db/db.server.ts';
import { advanceTime, deployToken, fund, mintMany, startChain, transferFrom } from '../test/helpers/chain.ts';
import { getResults, vote } from '../test/helpers/polls.ts';
import { startServer, type TestServer } from '../test/helpers/server.ts';
import { signIn } from '../test/helpers/wallet.ts';
import { answerHelp } from './usage.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLL = 'opgsim-distribution-retail';
/** The settled poll: it ran from 1 to 12 October, so its ballots carry those dates (src/content/polls/opgsim-top-ten-november.yaml). */
const SETTLED_POLL = 'opgsim-top-ten-november';
const SETTLED_OPENS = Date.parse('2026-10-01T00:00:00Z');
const DAY = 86_400;
const tokens = (n: number): bigint => BigInt(Math.round(n * 1e6)) * 10n ** 12n;
const TREASURY: Hex = '0x000000000000000000000000000000000000cafe';
const VESTING: Hex = '0x000000000000000000000000000000000000feed';
const EXCHANGE: Hex = '0x00000000000000000000000000000000000e0e0e';
const ABOUT =
  'Simulated demo data written by npm run demo:chain: a scripted history of the OPGSIM test token on a local ' +
  'Hardhat chain, and ballots cast by scripted wallets through the HTTP API. Not real OPG data.';

answerHelp('usage: npm run demo:chain [-- --out FILE] (FILE is db/demo/opgsim.json unless given)');
const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
const out = args.out ?? join(ROOT, 'db/demo/opgsim.json');

/** A wallet whose key anyone can derive from its role: fine for simulated tokens on a local chain, and repeatable. */
const scripted = (role: string, n: number): PrivateKeyAccount[] =>
  Array.from({ length: n }, (_, i) => privateKeyToAccount(keccak256(stringToHex(`sentiment-desk demo ${role} ${i}`))));
const whales = scripted('whale', 7);
const retail = scripted('retail', 40);
const small = scripted('small holder', 10);
const bystanders = Array.from({ length: 200 }, (_, i) => `0x${(0xa11ce000 + i).toString(16).padStart(40, '0')}` as Hex);
const retailTokens = (i: number): number => 2_000 + (i % 8) * 1_500;

// Who votes for what: the largest holders say the supply is spreading out, most small ones say the opposite.
const WHALE_CHOICES = ['toward-retail', 'toward-retail', 'unchanged', 'toward-retail', 'toward-retail', 'unchanged'];
const RETAIL_CHOICES = ['toward-whales', 'toward-whales', 'unchanged', 'toward-whales', 'cannot-tell'];
const SMALL_CHOICES = ['toward-whales', 'cannot-tell', 'toward-whales', 'unchanged', 'cannot-tell', 'toward-retail'];
const ANONYMOUS_CHOICES = [
  'toward-whales',
  'cannot-tell',
  'toward-whales',
  'toward-retail',
  'cannot-tell',
  'unchanged',
];
// The settled poll: the largest holders expect their share to fall, retail expects it to rise.
const SETTLED_CHOICES = {
  whale: ['less', 'less', 'same', 'less', 'unsure', 'less', 'less'],
  retail: ['more', 'more', 'same', 'more', 'unsure', 'more', 'less'],
  small: ['more', 'unsure', 'less', 'more', 'same', 'more'],
  anonymous: ['more', 'unsure', 'less', 'same', 'more', 'unsure', 'less', 'more'],
};
const cycle = (choices: readonly string[], i: number): string => choices[i % choices.length] ?? 'cannot-tell';
const voters: { account: PrivateKeyAccount; choice: string }[] = [
  ...whales.map((account, i) => ({ account, choice: cycle(WHALE_CHOICES, i) })),
  ...retail.slice(0, 30).map((account, i) => ({ account, choice: cycle(RETAIL_CHOICES, i) })),
  ...small.slice(0, 8).map((account, i) => ({ account, choice: cycle(SMALL_CHOICES, i) })),
];
const ANONYMOUS = 12;

const token = loadTokenDefinition('OPGSIM');
if (!token?.address) throw new Error('src/content/tokens/opgsim.yaml is missing or has no address');
const scratch = mkdtempSync(join(tmpdir(), 'sentiment-desk-demo-'));
const databaseUrl = `file:${join(scratch, 'demo.db')}`;
const db = await openDatabase({ url: databaseUrl });
await migrateDatabase(db);
const chain = await startChain({ startDate: '2026-09-01T00:00:00Z' });
const client = createPublicClient({ transport: http(chain.url, { retryCount: 0 }), cacheTime: 0 });
let server: TestServer | null = null;

async function snapshot(phase: string): Promise<void> {
  if (!token) return;
  const { snapshot: s } = await ingest({ db, client, token, contract: token.address as Hex, simulated: true });
  const m = s.metrics.excludingLabelled;
  const circulating = s.metrics.circulating;
  console.log(
    `${phase}: block ${s.block}, ${m.holderCount} holders, top-10 ${(m.top10Share * 100).toFixed(1)}%, Gini ${m.gini.toFixed(3)}` +
      ` (circulating: ${circulating?.holderCount} holders, top-10 ${((circulating?.top10Share ?? 0) * 100).toFixed(1)}%)`,
  );
}

/** The history, phase by phase, on a fresh chain. */
async function playHistory(): Promise<void> {
  const address = await deployToken(chain, 'OpenGradient (simulated)', 'OPGSIM');
  if (address.toLowerCase() !== token?.address?.toLowerCase())
    throw new Error(`demo token deployed at ${address}, expected ${token?.address}`);

  // Phase 1, launch: treasury, vesting contract, a few early backers.
  await mintMany(
    chain,
    address,
    [TREASURY, VESTING, ...whales.map((w) => w.address)],
    [tokens(12_000_000), tokens(20_000_000), ...whales.map(() => tokens(1_600_000))],
  );
  await snapshot('launch');

  // Phase 2, two weeks on: early whales accumulate from the treasury's OTC sales.
  await advanceTime(chain, 14 * DAY);
  await mintMany(
    chain,
    address,
    whales.map((w) => w.address),
    whales.map((_, i) => tokens(900_000 + i * 150_000)),
  );
  await snapshot('whales accumulate');

  // Phase 3: node rewards reach retail operators in small amounts; a crowd of small buyers arrives.
  // The demo poll opens after this snapshot, so it weighs the ballots.
  await advanceTime(chain, 14 * DAY);
  await mintMany(
    chain,
    address,
    [...retail, ...small].map((r) => r.address),
    [...retail.map((_, i) => tokens(retailTokens(i))), ...small.map((_, i) => tokens(150 + i * 30))],
  );
  await mintMany(
    chain,
    address,
    bystanders,
    bystanders.map((_, i) => tokens(200 + (i % 13) * 90)),
  );
  await snapshot('retail rewards');

  // Phase 4, around the team cliff: retail sells a quarter of its tokens to the exchange, whales buy more.
  await advanceTime(chain, 14 * DAY);
  for (const account of retail.slice(0, 24)) await fund(chain, account.address, 10n ** 16n);
  for (const [i, account] of retail.slice(0, 24).entries())
    await transferFrom(chain, address, account, EXCHANGE, tokens(retailTokens(i) / 4));
  await mintMany(
    chain,
    address,
    whales.map((w) => w.address),
    whales.map(() => tokens(400_000)),
  );
  await snapshot('unlock: retail sells');

  // Phase 5: a month after the cliff.
  await advanceTime(chain, 28 * DAY);
  for (const account of retail.slice(24)) await fund(chain, account.address, 10n ** 16n);
  for (const account of retail.slice(24)) await transferFrom(chain, address, account, EXCHANGE, tokens(1_000));
  await snapshot('a month after');
}

/** The built site, with the demo's poll but without any fixture: the database holds what the chain gave. */
async function startSite(): Promise<TestServer> {
  const built = readBuildInfo(new URL('../dist/', import.meta.url));
  if (!built?.demo) {
    console.log('demo:chain: building the site (with the demo)');
    execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, DEMO: 'on' },
      stdio: 'inherit',
    });
  }
  return startServer({
    databaseUrl,
    env: {
      DEMO: 'on',
      DEMO_FIXTURE: 'none',
      POLLS_DIR: '',
      TOKENS_DIR: '',
      SIWE_CHAIN_IDS: '31337',
      VOTE_RATE_LIMIT: '0',
      // Every scripted holder signs in from this one client.
      VERIFY_RATE_LIMIT: '0',
    },
  });
}

/** Each scripted holder signs in with SIWE and votes; then the cookie ballots. */
async function castBallots(site: TestServer): Promise<void> {
  for (const { account, choice } of voters) {
    const cookie = await signIn(site.url, account, { chainId: token?.chainId ?? 31337 });
    const cast = await vote(site.url, POLL, [choice], { cookie });
    if (cast.status !== 201) throw new Error(`${account.address} could not vote: ${JSON.stringify(cast.body)}`);
  }
  for (let i = 0; i < ANONYMOUS; i++) {
    const cast = await vote(site.url, POLL, [cycle(ANONYMOUS_CHOICES, i)]);
    if (cast.status !== 201) throw new Error(`a cookie ballot was refused: ${JSON.stringify(cast.body)}`);
  }
  const results = (await getResults(site.url, POLL)) as {
    cohorts: { id: string; hidden: boolean; voters: number | null }[] | null;
  };
  const shown = (results.cohorts ?? []).filter((c) => !c.hidden && c.id !== 'unverified');
  console.log(`${POLL}: ${(results.cohorts ?? []).map((c) => `${c.id} ${c.voters ?? 'hidden'}`).join(', ')}`);
  if (shown.length < 3)
    throw new Error(`only ${shown.length} holder cohorts clear the privacy floor; the demo needs 3`);
}

/**
 * The settled poll's ballots, cast through the vote endpoint's own function
 * (submitVote: its rules, then castVote) at past instants within the poll's
 * eleven days, since the HTTP API only takes ballots now. Wallets vote as
 * themselves, signed in; the rest as cookie voters.
 */
async function castSettledBallots(): Promise<void> {
  const deps: VotingDeps = {
    db,
    definition: (id) => getPoll(db, id),
    cast: (input) => castVote(db, input),
    newVoterId,
    changed: () => {},
  };
  const wallets = [
    ...whales.map((w, i) => ({ address: w.address, choice: cycle(SETTLED_CHOICES.whale, i) })),
    ...retail.slice(0, 28).map((r, i) => ({ address: r.address, choice: cycle(SETTLED_CHOICES.retail, i) })),
    ...small.slice(0, 9).map((s, i) => ({ address: s.address, choice: cycle(SETTLED_CHOICES.small, i) })),
  ];
  const ballots = [...wallets, ...SETTLED_CHOICES.anonymous.map((choice) => ({ address: null, choice }))];
  for (const [i, { address, choice }] of ballots.entries()) {
    // Spread over the poll's first ten days, an hour and a bit apart.
    const now = SETTLED_OPENS + HOUR_MS + i * 4 * HOUR_MS + i * 61_000;
    const outcome = await submitVote(deps, {
      pollId: SETTLED_POLL,
      voterId: null,
      address,
      optionIds: [choice],
      clientKey: 'demo',
      now,
    });
    if (!outcome.ok) throw new Error(`${SETTLED_POLL}: a ballot was refused: ${outcome.message}`);
  }
  console.log(`${SETTLED_POLL}: ${ballots.length} ballots, ${wallets.length} from wallets`);
}

try {
  await playHistory();
  server = await startSite();
  await castBallots(server);
  await server.stop();
  await castSettledBallots();
  const fixture = await exportDemoFixture(db, token.symbol, [POLL, SETTLED_POLL], ABOUT);
  const config = (await resolveConfig(out)) ?? {};
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, await format(JSON.stringify(fixture), { ...config, filepath: out }));
  console.log(`demo:chain: wrote ${out}; npm start loads it (simulated, labelled so wherever it appears).`);
} finally {
  await server?.stop();
  server?.cleanup();
  await chain.stop();
  db.$client.close();
  rmSync(scratch, { recursive: true, force: true });
}
