/**
 * `npm run demo:chain [-- --out FILE]`: regenerates the simulated demo.
 *
 * 1. A local EVM node, the OPGSIM token and ninety-one simulated days of history (node rewards every day,
 *    whales buying through fresh wallets, an unlock sold through an intermediate wallet, retail selling),
 *    with a snapshot a week through the same RPC ingestion as real tokens, into a scratch database; every
 *    snapshot is stored as simulated, and every transfer is kept.
 * 2. The scripted holders' ballots, signed in as their wallets, and cookie ballots, through the vote
 *    endpoint's own function at instants spread over the weeks each poll was open.
 * 3. What that left (snapshots with every balance, transfers, ballots) goes to db/demo/opgsim.json, which
 *    `npm start` loads, so the demo needs no chain.
 *
 * Nothing here is real: the wallets' keys are derived from public strings and
 * only ever hold simulated tokens on a throwaway local chain.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { and, eq, ne } from 'drizzle-orm';
import { format, resolveConfig } from 'prettier';
import { createPublicClient, http, keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { votes } from '../db/schema.ts';
import { ingest } from '../src/lib/chain/ingest.server.ts';
import { loadTokenDefinition } from '../src/lib/chain/tokens.server.ts';
import { weightingTokenOf } from '../src/lib/cohorts/weighting.ts';
import { reweightPolls } from '../src/lib/cohorts/weighting.server.ts';
import { exportDemoFixture } from '../src/lib/demo/demo.server.ts';
import { loadPollDefinitions } from '../src/lib/polls/definitions.server.ts';
import { syncPollDefinitions } from '../src/lib/polls/store/definitions.server.ts';
import { castVote } from '../src/lib/polls/store/cast.server.ts';
import { getPoll } from '../src/lib/polls/store/reads.server.ts';
import { HOUR_MS } from '../src/lib/polls/history.ts';
import { newVoterId } from '../src/lib/polls/voter.ts';
import { submitVote, type VotingDeps } from '../src/lib/polls/votes.server.ts';
import { migrateDatabase, openDatabase } from '../src/lib/platform/db/db.server.ts';
import {
  advanceTime,
  deployToken,
  fund,
  mintMany,
  startChain,
  transferAs,
  transferFrom,
} from '../test/helpers/chain.ts';
import { answerHelp } from './usage.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLL = 'opgsim-distribution-retail';
/** The settled poll: it ran from 1 to 12 October, so its ballots carry those dates (src/content/polls/opgsim-top-ten-november.yaml). */
const SETTLED_POLL = 'opgsim-top-ten-november';
const SETTLED_OPENS = Date.parse('2026-10-01T00:00:00Z');
/** The seed post's poll, asked again of the simulated holders (src/content/polls/opgsim-liquidity-ghost.yaml). */
const SEED_POLL = 'opgsim-liquidity-ghost';
// Whales want to talk about unlocks; node operators about their losses; small holders split.
const SEED_CHOICES = {
  whale: ['unlock-selling-pressure', 'retail-fights-back', 'unlock-selling-pressure', 'whales-accumulating'],
  retail: ['node-losses', 'node-losses', 'whales-accumulating', 'node-losses', 'retail-fights-back'],
  small: ['whales-accumulating', 'retail-fights-back', 'unlock-selling-pressure'],
  anonymous: [
    'whales-accumulating',
    'node-losses',
    'retail-fights-back',
    'whales-accumulating',
    'unlock-selling-pressure',
  ],
};
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
/** The days of the token file's team cliff (13 October) and its linear schedule's cliff (10 November). */
const TEAM_CLIFF_DAY = 42;
const LINEAR_CLIFF_DAY = 70;
const small = scripted('small holder', 10);
const bystanders = Array.from({ length: 200 }, (_, i) => `0x${(0xa11ce000 + i).toString(16).padStart(40, '0')}` as Hex);

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
// The flow-settled poll: insiders and whales expect little to reach the exchange, node operators a lot.
const CLIFF_POLL = 'opgsim-team-cliff';
const CLIFF_OPENS = Date.parse('2026-10-02T00:00:00Z');
const CLIFF_CHOICES = {
  whale: ['little', 'little', 'some', 'unsure', 'little', 'little', 'some'],
  retail: ['most', 'some', 'most', 'unsure', 'most', 'some', 'little'],
  small: ['some', 'most', 'unsure', 'little', 'some', 'most'],
  anonymous: ['most', 'unsure', 'some', 'little', 'most', 'some'],
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

/** The first block whose mints are node rewards: the token file labels the zero address `rewards` from it. */
const REWARDS_SINCE = 3;
const HISTORY_DAYS = 91;
/**
 * Fresh wallets of two whales: never in any earlier snapshot, so figure 1 counts them as new addresses. Each whale
 * seeds its wallets before their first purchase (one owner by "funded by"), except whale 1's first, which buys on
 * its own and later sends nearly everything back to whale 1 (one owner by "swept to").
 */
const freshWallets = [scripted('whale 0 fresh wallet', 4), scripted('whale 1 fresh wallet', 4)].flat();
const ownerOfFresh = (w: number): PrivateKeyAccount | undefined => whales[w < 4 ? 0 : 1];
const SWEEPER = 4;
const largeOperators = scripted('large node operator', 4);
/** Retail node operators who take rewards every day: the first 30 of the retail wallets. */
const operators = retail.slice(0, 30);
/** An unlabelled wallet the vesting contract pays at the team cliff, which passes tokens on to the exchange. */
const teamDesk = scripted('team desk', 1)[0];

/**
 * Ninety-one simulated days, one block of rewards a day, a snapshot a week: the story the token file tells.
 * Node rewards are minted to four large operators (most of them) and thirty retail operators (a little each);
 * retail operators sell part of theirs on the simulated exchange every week; two whales buy from the
 * exchange through four fresh wallets each; at the team cliff the vesting contract pays an unlabelled wallet
 * that sends most of it to the exchange over the next days, and at the linear schedule's cliff it sells
 * directly.
 */
async function playHistory(): Promise<void> {
  const address = await deployToken(chain, 'OpenGradient (simulated)', 'OPGSIM');
  if (address.toLowerCase() !== token?.address?.toLowerCase())
    throw new Error(`demo token deployed at ${address}, expected ${token?.address}`);

  // Day 0, launch: treasury, vesting contract, the exchange's float and the early backers.
  await mintMany(
    chain,
    address,
    [TREASURY, VESTING, EXCHANGE, ...whales.map((w) => w.address)],
    [tokens(12_000_000), tokens(20_000_000), tokens(8_000_000), ...whales.map(() => tokens(1_600_000))],
  );
  const launch = await chain.publicClient.getBlockNumber();
  if (launch >= REWARDS_SINCE) throw new Error(`launch mints at block ${launch}, not before ${REWARDS_SINCE}`);
  for (const account of [...operators, ...freshWallets, ...whales.slice(0, 2), ...(teamDesk ? [teamDesk] : [])])
    await fund(chain, account.address, 10n ** 17n);
  await snapshot('day 0, launch');

  for (let day = 1; day <= HISTORY_DAYS; day++) {
    await advanceTime(chain, DAY);
    // Node rewards: the four large operators take about 80% of each day's emission.
    await mintMany(
      chain,
      address,
      [...largeOperators.map((o) => o.address), ...operators.map((o) => o.address)],
      [
        ...largeOperators.map((_, i) => tokens(9_000 + i * 1_500)),
        ...operators.map((_, i) => tokens(60 + (i % 10) * 30)),
      ],
    );
    if (day === 1 && (await chain.publicClient.getBlockNumber()) < REWARDS_SINCE)
      throw new Error(`the first rewards were minted before block ${REWARDS_SINCE}`);
    if (day === 21) {
      // Small buyers arrive from the exchange: ten small holders and two hundred bystanders (they make the
      // cohorts). Bought, not minted: every mint from now on is a node reward.
      for (const [i, buyer] of small.entries())
        await transferAs(chain, address, EXCHANGE, buyer.address, tokens(150 + i * 30));
      for (const [i, buyer] of bystanders.entries())
        await transferAs(chain, address, EXCHANGE, buyer, tokens(200 + (i % 13) * 90));
    }
    if (day % 6 === 0) {
      // The two whales buy from the exchange, each through its own fresh wallets in turn.
      for (const [w, wallet] of freshWallets.entries()) {
        if ((day / 6 + w) % 2 !== 0) continue;
        const owner = ownerOfFresh(w);
        if (day <= 12 && w !== SWEEPER && owner) await transferFrom(chain, address, owner, wallet.address, tokens(500));
        await transferAs(chain, address, EXCHANGE, wallet.address, tokens(60_000 + w * 5_000));
      }
    }
    if (day % 7 === 3 && day > 7) {
      // Retail operators sell about half of a week's rewards, the first twenty of them.
      for (const [i, account] of operators.slice(0, 20).entries())
        await transferFrom(chain, address, account, EXCHANGE, tokens(((60 + (i % 10) * 30) * 7) / 2));
    }
    const sweeper = freshWallets[SWEEPER];
    const sweptTo = ownerOfFresh(SWEEPER);
    if ((day === 60 || day === 66) && sweeper && sweptTo)
      await transferFrom(chain, address, sweeper, sweptTo.address, tokens(40_000));
    if (day === TEAM_CLIFF_DAY)
      await transferAs(chain, address, VESTING, teamDesk?.address ?? VESTING, tokens(4_000_000));
    if (day > TEAM_CLIFF_DAY && day <= TEAM_CLIFF_DAY + 6 && teamDesk)
      await transferFrom(chain, address, teamDesk, EXCHANGE, tokens(500_000));
    if (day === TEAM_CLIFF_DAY - 3) await transferAs(chain, address, TREASURY, EXCHANGE, tokens(250_000));
    if (day === LINEAR_CLIFF_DAY + 2) await transferAs(chain, address, VESTING, EXCHANGE, tokens(1_200_000));
    if (day % 7 === 0) await snapshot(`day ${day}`);
  }
}

/** The seed poll's ballots, spread over the same weeks as the open poll's. */
async function castSeedBallots(): Promise<void> {
  const ballots = [
    ...whales.map((w, i) => ({ address: w.address as string | null, choice: cycle(SEED_CHOICES.whale, i) })),
    ...retail
      .slice(0, 25)
      .map((r, i) => ({ address: r.address as string | null, choice: cycle(SEED_CHOICES.retail, i) })),
    ...small.slice(0, 6).map((r, i) => ({ address: r.address as string | null, choice: cycle(SEED_CHOICES.small, i) })),
    ...Array.from({ length: 10 }, (_, i) => ({ address: null, choice: cycle(SEED_CHOICES.anonymous, i) })),
  ];
  const step = (HISTORY_ENDS - OPEN_POLL_OPENS - 2 * HOUR_MS) / ballots.length;
  for (const [n, ballot] of ballots.entries())
    await submit(
      SEED_POLL,
      ballot.address,
      ballot.choice,
      OPEN_POLL_OPENS + 2 * HOUR_MS + Math.round(((n * 17) % ballots.length) * step),
    );
  console.log(`${SEED_POLL}: ${ballots.length} ballots`);
}

/** When the open poll's ballots were cast: spread from its opening to the end of the history, a little apart. */
const OPEN_POLL_OPENS = Date.parse('2026-10-01T00:00:00Z');
const HISTORY_ENDS = Date.parse('2026-09-01T00:00:00Z') + HISTORY_DAYS * DAY * 1000;

/**
 * The open poll's ballots, cast through the vote endpoint's own function (submitVote: its rules, then
 * castVote) at instants spread over the weeks it has been open, since the HTTP API only takes ballots now:
 * the scripted holders as themselves, signed in, then cookie voters among them.
 */
async function castBallots(): Promise<void> {
  const ballots = [
    ...voters.map(({ account, choice }) => ({ address: account.address as string | null, choice })),
    ...Array.from({ length: ANONYMOUS }, (_, i) => ({ address: null, choice: cycle(ANONYMOUS_CHOICES, i) })),
  ];
  // Interleaved, so each week has wallets of every kind and some cookie ballots.
  const order = ballots.map((_, i) => i).sort((a, b) => ((a * 37) % ballots.length) - ((b * 37) % ballots.length));
  const step = (HISTORY_ENDS - OPEN_POLL_OPENS - 2 * HOUR_MS) / ballots.length;
  for (const [n, index] of order.entries()) {
    const ballot = ballots[index];
    if (!ballot) continue;
    await submit(POLL, ballot.address, ballot.choice, OPEN_POLL_OPENS + HOUR_MS + Math.round(n * step) + n * 61_000);
  }
  const cohorts = await db
    .selectDistinct({ cohort: votes.cohort })
    .from(votes)
    .where(and(eq(votes.pollId, POLL), ne(votes.cohort, 'unverified')));
  console.log(
    `${POLL}: ${ballots.length} ballots over ${Math.round((HISTORY_ENDS - OPEN_POLL_OPENS) / 86_400_000)} days; cohorts ${cohorts.map((c) => c.cohort).join(', ')}`,
  );
  if (cohorts.length < 3) throw new Error(`only ${cohorts.length} holder cohorts voted; the demo needs 3`);
}

const deps: VotingDeps = {
  db,
  definition: (id) => getPoll(db, id),
  cast: (input) => castVote(db, input),
  newVoterId,
  changed: () => {},
};

async function submit(pollId: string, address: string | null, choice: string, now: number): Promise<void> {
  const outcome = await submitVote(deps, {
    pollId,
    voterId: null,
    address,
    optionIds: [choice],
    clientKey: 'demo',
    now,
  });
  if (!outcome.ok) throw new Error(`${pollId}: a ballot was refused: ${outcome.message}`);
}

/**
 * A closed poll's ballots (the two the chain settles), cast through the vote
 * endpoint's own function (submitVote: its rules, then castVote) at past
 * instants within its first days, since the HTTP API only takes ballots now.
 * Wallets vote as themselves, signed in; the rest as cookie voters.
 */
async function castClosedBallots(
  pollId: string,
  opens: number,
  choices: Record<'whale' | 'retail' | 'small' | 'anonymous', readonly string[]>,
): Promise<void> {
  const wallets = [
    ...whales.map((w, i) => ({ address: w.address, choice: cycle(choices.whale, i) })),
    ...retail.slice(0, 28).map((r, i) => ({ address: r.address, choice: cycle(choices.retail, i) })),
    ...small.slice(0, 9).map((s, i) => ({ address: s.address, choice: cycle(choices.small, i) })),
  ];
  const ballots = [...wallets, ...choices.anonymous.map((choice) => ({ address: null, choice }))];
  // Spread over the poll's first days, an hour and a bit apart.
  for (const [i, { address, choice }] of ballots.entries())
    await submit(pollId, address, choice, opens + HOUR_MS + i * 4 * HOUR_MS + i * 61_000);
  console.log(`${pollId}: ${ballots.length} ballots, ${wallets.length} from wallets`);
}

try {
  await playHistory();
  // The demo polls as the server syncs them, each weighted at the snapshot it opens after.
  await syncPollDefinitions(
    db,
    loadPollDefinitions(join(ROOT, 'src/content/polls')).filter((d) => d.demo),
    (symbol) => (symbol === token.symbol ? weightingTokenOf(token) : null),
  );
  await reweightPolls(db, Date.now(), token.symbol);
  await castBallots();
  await castSeedBallots();
  await castClosedBallots(SETTLED_POLL, SETTLED_OPENS, SETTLED_CHOICES);
  await castClosedBallots(CLIFF_POLL, CLIFF_OPENS, CLIFF_CHOICES);
  const fixture = await exportDemoFixture(db, token.symbol, [POLL, SEED_POLL, SETTLED_POLL, CLIFF_POLL], ABOUT);
  const config = (await resolveConfig(out)) ?? {};
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, await format(JSON.stringify(fixture), { ...config, filepath: out }));
  console.log(`demo:chain: wrote ${out}; npm start loads it (simulated, labelled so wherever it appears).`);
} finally {
  await chain.stop();
  db.$client.close();
  rmSync(scratch, { recursive: true, force: true });
}
