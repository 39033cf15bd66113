import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import {
  demoFixtures,
  polls,
  tokenBalances,
  tokenCursors,
  tokenSnapshots,
  tokenTransfers,
  voteChoices,
  votes,
} from '../../../db/schema.ts';
import { listSnapshots, saveSnapshot, snapshotBalances } from '../chain/repo.server.ts';
import { tokenDefinitionSchema, type TokenDefinition } from '../chain/schemas.ts';
import { buildSnapshot } from '../chain/snapshot.ts';
import { TOKENS_DIR } from '../chain/tokens.server.ts';
import { reweightPolls } from '../cohorts/weighting.server.ts';
import { loadYamlDir } from '../content/yaml.server.ts';
import { castVotes } from '../polls/store/cast.server.ts';
import type { PollDefinition } from '../polls/schemas.ts';
import { columnsExcept } from '../platform/db/columns.ts';
import { writeTransaction, type Database, type Queries } from '../platform/db/db.server.ts';
import {
  DEMO_FIXTURE_FORMAT,
  demoFixtureSchema,
  fixtureTransferLine,
  parseFixtureTransfer,
  type DemoFixture,
} from './fixture.ts';

/**
 * The simulated demo at start-up: with DEMO on, the committed fixture is
 * loaded once (again when the file changes) through the code real data goes
 * through: buildSnapshot and saveSnapshot for the snapshots, castVotes and
 * reweightPolls for the ballots, so every counter and weight is exact. With
 * DEMO off, the demo's rows are removed and its polls are not synced.
 */

/** An instance that claimed a fixture has this long to load it before another may take over. */
const CLAIM_MS = 60_000;

export interface DemoOptions {
  /** DEMO=on. */
  shown: boolean;
  /** Every poll definition, the demo's included. */
  definitions: readonly PollDefinition[];
  /** The fixture file; null (or a missing file) leaves whatever demo data the database holds. */
  fixturePath: string | null;
  tokensDir?: string;
  now: number;
}

/** A fixture this instance claimed: load it with loadDemoFixture once the polls are synced. */
export interface ClaimedFixture {
  name: string;
  sha256: string;
  fixture: DemoFixture;
  token: TokenDefinition;
}

export interface DemoSetup {
  /** The poll definitions to sync: all of them, or all but the demo's when it is off. */
  definitions: PollDefinition[];
  claimed: ClaimedFixture | null;
}

/** What the demo is made of: its tokens and polls. */
export interface DemoContent {
  tokens: readonly string[];
  pollIds: readonly string[];
}

/**
 * Before the poll definitions are synced: with the demo off, removes its
 * rows; with it on, claims the fixture when the database does not hold this
 * version of it yet, and clears the older demo data it replaces. Throws when
 * demo and real content are mixed (a real poll on the demo token, or the
 * reverse), since DEMO=off would then take real data with it.
 */
export async function prepareDemo(db: Database, options: DemoOptions): Promise<DemoSetup> {
  const tokens = loadYamlDir(options.tokensDir ?? TOKENS_DIR, tokenDefinitionSchema)
    .map(({ data }) => data)
    .filter((t) => t.demo);
  const demoTokens = new Set(tokens.map((t) => t.symbol));
  for (const d of options.definitions) {
    if (d.token !== undefined && demoTokens.has(d.token) !== d.demo) {
      throw new Error(
        d.demo
          ? `poll "${d.id}" is a demo poll, but its token ${d.token} is not a demo token`
          : `poll "${d.id}" is not a demo poll, but its token ${d.token} is the demo's; mark it demo: true`,
      );
    }
  }
  const demoPolls = options.definitions.filter((d) => d.demo);
  const content: DemoContent = { tokens: [...demoTokens], pollIds: demoPolls.map((d) => d.id) };
  if (!options.shown) {
    await removeDemoData(db, content);
    return { definitions: options.definitions.filter((d) => !d.demo), claimed: null };
  }
  const all = [...options.definitions];
  // Tests and benchmarks point POLLS_DIR at their own polls: no demo poll, no demo.
  const path = options.fixturePath;
  if (demoPolls.length === 0 || path === null || !existsSync(path)) return { definitions: all, claimed: null };

  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const name = basename(path, '.json');
  const fixture = parseFixture(path, bytes.toString('utf8'));
  const token = tokens.find((t) => t.symbol === fixture.token);
  if (!token) throw new Error(`${path}: ${fixture.token} is not a demo token (demo: true)`);
  for (const poll of fixture.polls) {
    const definition = demoPolls.find((d) => d.id === poll.id && d.token === fixture.token);
    if (!definition) throw new Error(`${path}: poll "${poll.id}" is not a demo poll on ${fixture.token}`);
    const options = new Set(definition.options.map((o) => o.id));
    const unknown = poll.ballots.flatMap((b) => b.optionIds).find((id) => !options.has(id));
    if (unknown !== undefined) throw new Error(`${path}: poll "${poll.id}" has no option "${unknown}"`);
  }
  const claimed = await writeTransaction(db, async (tx) => {
    const [row] = await tx.select().from(demoFixtures).where(eq(demoFixtures.name, name));
    const current = row?.sha256 === sha256;
    // Loaded, or being loaded by an instance that started at the same time.
    if (current && (row.loadedAt !== null || options.now - row.claimedAt < CLAIM_MS)) return false;
    await removeDemoRows(tx, content);
    await tx
      .insert(demoFixtures)
      .values({ name, sha256, claimedAt: options.now, loadedAt: null })
      .onConflictDoUpdate({ target: demoFixtures.name, set: { sha256, claimedAt: options.now, loadedAt: null } });
    return true;
  });
  return { definitions: all, claimed: claimed ? { name, sha256, fixture, token } : null };
}

function parseFixture(path: string, text: string): DemoFixture {
  const result = demoFixtureSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${path}: ${issues}`);
  }
  return result.data;
}

/**
 * Loads a claimed fixture into a database whose demo polls are synced and
 * empty: snapshots first, then the polls' weighting snapshot is chosen, then
 * the ballots go through castVotes, each in its cohort at that snapshot.
 * Returns the line start-up prints.
 */
export async function loadDemoFixture(db: Database, claimed: ClaimedFixture, now: number): Promise<string> {
  try {
    return await loadClaimed(db, claimed, now);
  } catch (error) {
    // Give up the claim, so the next start tries again at once instead of waiting out CLAIM_MS.
    await db
      .delete(demoFixtures)
      .where(and(eq(demoFixtures.name, claimed.name), eq(demoFixtures.sha256, claimed.sha256)));
    throw error;
  }
}

async function loadClaimed(db: Database, claimed: ClaimedFixture, now: number): Promise<string> {
  const { fixture, token } = claimed;
  for (const s of fixture.snapshots) {
    const holders = Object.entries(s.holders).map(([address, balance]) => ({ address, balance: BigInt(balance) }));
    const snapshot = buildSnapshot({
      token,
      block: s.block,
      takenAt: s.takenAt,
      holders,
      source: s.source,
      totalSupply: BigInt(s.totalSupply),
      simulated: s.simulated,
    });
    await saveSnapshot(db, snapshot, now, holders);
  }
  await loadTransfers(db, claimed, now);
  await reweightPolls(db, now, token.symbol);
  const ballots = fixture.polls.flatMap((poll) =>
    poll.ballots.map((b) => ({
      pollId: poll.id,
      voterId: b.voterId,
      address: b.address,
      optionIds: b.optionIds,
      now: b.at,
      allowChange: false,
      tokenPoll: true,
    })),
  );
  if (ballots.length > 0) {
    const results = await castVotes(db, ballots);
    const refused = results.filter((r) => r.outcome !== 'created').length;
    if (refused > 0) throw new Error(`demo fixture ${claimed.name}: ${refused} ballot(s) were not new`);
  }
  await db
    .update(demoFixtures)
    .set({ loadedAt: now })
    .where(
      and(eq(demoFixtures.name, claimed.name), eq(demoFixtures.sha256, claimed.sha256), isNull(demoFixtures.loadedAt)),
    );
  return (
    `demo: loaded ${claimed.name} (simulated): ${fixture.snapshots.length} ${token.symbol} snapshots, ` +
    `${ballots.length} ballots`
  );
}

/**
 * The fixture's transfers, with what a scan that stopped at the last snapshot would have left: the cursor
 * after its block (transfers kept from the fixture's first block) and the balances at it. Flow figures are
 * then computed from them at start-up like any scanned token's.
 */
async function loadTransfers(db: Database, { fixture, token }: ClaimedFixture, now: number): Promise<void> {
  const last = fixture.snapshots.at(-1);
  if (!last || !token.address) return;
  const rows = fixture.transfers.rows.map((line) => ({ token: token.symbol, ...parseFixtureTransfer(line) }));
  await writeTransaction(db, async (tx) => {
    // SQLite caps a statement's parameters; 8 columns a row stays far below it at this size.
    for (let i = 0; i < rows.length; i += 500) await tx.insert(tokenTransfers).values(rows.slice(i, i + 500));
    const balances = Object.entries(last.holders).map(([address, balance]) => ({
      token: token.symbol,
      address,
      balance,
    }));
    for (let i = 0; i < balances.length; i += 500) await tx.insert(tokenBalances).values(balances.slice(i, i + 500));
    await tx.insert(tokenCursors).values({
      token: token.symbol,
      chainId: last.source.chainId,
      contract: last.source.contract.toLowerCase(),
      nextBlock: last.block + 1,
      scannedHash: null,
      reorgBelow: null,
      transfersFrom: fixture.transfers.fromBlock,
      updatedAt: now,
    });
  });
}

/**
 * Deletes the demo's polls (their ballots and counters go with them), its
 * tokens' snapshots and balances, and the record of which fixture was loaded.
 */
export async function removeDemoData(db: Database, content: DemoContent): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await removeDemoRows(tx, content);
    await tx.delete(demoFixtures);
  });
}

async function removeDemoRows(tx: Queries, { tokens, pollIds }: DemoContent): Promise<void> {
  await tx.batch([
    // Foreign keys cascade to options, ballots, choices, hourly buckets and cohort counters.
    tx.delete(polls).where(inArray(polls.id, [...pollIds])),
    // ...and to each snapshot's largest holders and balances.
    tx.delete(tokenSnapshots).where(inArray(tokenSnapshots.token, [...tokens])),
    tx.delete(tokenBalances).where(inArray(tokenBalances.token, [...tokens])),
    tx.delete(tokenCursors).where(inArray(tokenCursors.token, [...tokens])),
    tx.delete(tokenTransfers).where(inArray(tokenTransfers.token, [...tokens])),
  ]);
}

/**
 * The fixture for a demo run: every snapshot of `token` with every holder's
 * balance, and every ballot of `pollIds` as stored. For `npm run demo:chain`.
 */
export async function exportDemoFixture(
  db: Database,
  token: string,
  pollIds: readonly string[],
  about: string,
): Promise<DemoFixture> {
  const snapshots: DemoFixture['snapshots'] = [];
  for (const s of await listSnapshots(db, token)) {
    if (s.source.kind !== 'rpc' || !s.simulated || s.totalSupply === null) {
      throw new Error(`${token} snapshot at block ${s.block} is not a simulated chain snapshot`);
    }
    const holders = await snapshotBalances(db, s.id);
    snapshots.push({
      block: s.block,
      takenAt: s.takenAt,
      source: s.source,
      totalSupply: s.totalSupply,
      simulated: true,
      holders: Object.fromEntries(
        holders.sort((a, b) => a.address.localeCompare(b.address)).map((h) => [h.address, h.balance.toString()]),
      ),
    });
  }
  const polled: DemoFixture['polls'] = [];
  for (const pollId of pollIds) {
    const rows = await db
      .select({ id: votes.id, voterId: votes.voterId, address: votes.address, at: votes.createdAt })
      .from(votes)
      .where(eq(votes.pollId, pollId))
      .orderBy(asc(votes.id));
    const choices = await db
      .select({ voteId: voteChoices.voteId, optionId: voteChoices.optionId })
      .from(voteChoices)
      .where(eq(voteChoices.pollId, pollId))
      .orderBy(asc(voteChoices.voteId), asc(voteChoices.optionId));
    polled.push({
      id: pollId,
      ballots: rows.map(({ id, ...ballot }) => ({
        ...ballot,
        optionIds: choices.filter((c) => c.voteId === id).map((c) => c.optionId),
      })),
    });
  }
  const lastBlock = snapshots.at(-1)?.block ?? 0;
  const cursor = await db
    .select({ transfersFrom: tokenCursors.transfersFrom })
    .from(tokenCursors)
    .where(eq(tokenCursors.token, token))
    .get();
  const transfers = await db
    .select(columnsExcept(tokenTransfers, 'token'))
    .from(tokenTransfers)
    .where(and(eq(tokenTransfers.token, token), lte(tokenTransfers.blockNumber, lastBlock)))
    .orderBy(asc(tokenTransfers.blockNumber), asc(tokenTransfers.logIndex));
  return {
    format: DEMO_FIXTURE_FORMAT,
    about,
    token,
    snapshots,
    transfers: { fromBlock: cursor?.transfersFrom ?? 0, rows: transfers.map(fixtureTransferLine) },
    polls: polled,
  };
}
