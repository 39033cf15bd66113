/**
 * `npm run snapshot -- <SYMBOL> [--rpc URL] [--address 0x..] [--from-block N] [--to-block N] [--rewind-to N]`
 * Scans the token's Transfer logs from where it last stopped, keeps the
 * transfers and balances in the database and writes a snapshot at the last
 * scanned block, CONFIRMATIONS_<chainId> blocks behind the head. Progress
 * goes to stderr; any failure ends with one line and exit code 1.
 *
 * `--rewind-to N` (after the chain reorganised below what was scanned)
 * first takes the token back to the end of block N, then scans from there.
 */
import { parseArgs } from 'node:util';
import { createPublicClient, http, isAddress, type Hex } from 'viem';
import { confirmationsFor } from '../src/lib/chain/confirmations.ts';
import { refreshSnapshotFigures } from '../src/app/snapshot-figures.server.ts';
import { ingest, IngestError, rewindTo as rewindTokenTo } from '../src/lib/chain/ingest.server.ts';
import { describeSnapshotFailure } from '../src/lib/chain/schedule.ts';
import { reportReweighted, reweightPolls } from '../src/lib/cohorts/weighting.server.ts';
import { reportResolved, resolvePolls } from '../src/lib/resolution/repo.server.ts';
import { ConfigError, readServerConfig } from '../src/lib/platform/runtime/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/platform/db/db.server.ts';
import { tokenOrReason } from '../src/lib/chain/tokens.server.ts';
import { answerHelp } from './usage.ts';

// Started by the server's scheduler: end with it. Without this a kill -9 of the server would leave its scan
// running while another instance, once the lease lapses, starts a second one.
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(70));
}

const USAGE =
  'usage: npm run snapshot -- <SYMBOL> [--rpc URL] [--address 0x..] [--from-block N] [--to-block N] [--rewind-to N]';
answerHelp(USAGE);

function fail(message: string): never {
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.error(`snapshot: ${message}`);
  process.exit(1);
}

function blockArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) fail(`${name} must be a block number\n${USAGE}`);
  return n;
}

let values: {
  rpc?: string | undefined;
  address?: string | undefined;
  'from-block'?: string | undefined;
  'to-block'?: string | undefined;
  'rewind-to'?: string | undefined;
  simulated?: boolean | undefined;
};
let positionals: string[];
try {
  ({ values, positionals } = parseArgs({
    options: {
      rpc: { type: 'string' },
      address: { type: 'string' },
      'from-block': { type: 'string' },
      'to-block': { type: 'string' },
      'rewind-to': { type: 'string' },
      // For npm run demo:chain: marks the snapshot as generated, never real.
      simulated: { type: 'boolean' },
    },
    allowPositionals: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (positionals.length !== 1 || !positionals[0]) fail(USAGE);
const token = tokenOrReason(positionals[0]);
if (typeof token === 'string') fail(token);
const { symbol } = token;
const contract = values.address ?? token.address;
if (!contract) fail(`${symbol} has no contract address yet: pass --address 0x… or add address to its token file`);
if (!isAddress(contract, { strict: false })) fail(`--address ${contract} is not an address`);
const rpc = values.rpc ?? process.env[token.rpcEnv];
if (!rpc) fail(`no RPC URL: pass --rpc or set ${token.rpcEnv}`);
const fromBlock = blockArg(values['from-block'], '--from-block');
const toBlock = blockArg(values['to-block'], '--to-block');
const rewindTo = blockArg(values['rewind-to'], '--rewind-to');

let config;
try {
  config = readServerConfig(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : (error as Error).message);
}
const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
await migrateDatabase(db);
// cacheTime 0: the latest block must be the latest, not one remembered for a few seconds.
const client = createPublicClient({ transport: http(rpc, { retryCount: 0, timeout: 15_000 }), cacheTime: 0 });

let lastPrint = 0;
/** The next block to scan, once known: where a failure is reported. */
let scanning: number | null = null;
try {
  if (rewindTo !== undefined) {
    const rewound = await rewindTokenTo(
      db,
      { token: symbol, chainId: token.chainId, contract: contract.toLowerCase() },
      rewindTo,
    );
    console.log(
      `${symbol} rewound to block ${rewindTo}: ${rewound.transfers} later transfers undone, ` +
        `${rewound.snapshots} later snapshots marked as reorganised`,
    );
  }
  const result = await ingest({
    db,
    client,
    token,
    contract: contract as Hex,
    fromBlock,
    toBlock,
    confirmations: confirmationsFor(config.confirmations, token.chainId),
    simulated: values.simulated ?? false,
    onProgress: (p) => {
      scanning = p.scannedTo + 1;
      const now = Date.now();
      if (now - lastPrint < 500 && p.scannedTo < p.toBlock) return;
      lastPrint = now;
      const done =
        p.toBlock > p.fromBlock ? ((p.scannedTo - p.fromBlock + 1) / (p.toBlock - p.fromBlock + 1)) * 100 : 100;
      const eta = p.etaSeconds === null ? '' : `, ETA ${Math.ceil(p.etaSeconds)} s`;
      process.stderr.write(
        `${process.stderr.isTTY ? '\r' : ''}blocks ${p.scannedTo}/${p.toBlock} (${done.toFixed(1)}%), ${p.logs} logs, ${Math.round(p.logsPerSecond)} logs/s${eta}${process.stderr.isTTY ? '   ' : '\n'}`,
      );
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  await refreshSnapshotFigures(db, token, Date.now());
  reportReweighted(await reweightPolls(db, Date.now(), symbol));
  reportResolved(await resolvePolls(db, Date.now(), symbol));
  const { all } = result.snapshot.metrics;
  const flag =
    result.snapshot.supplyDifference === null
      ? ''
      : ` FLAGGED: holders sum to ${result.snapshot.supplyDifference} base units less than totalSupply()`;
  console.log(
    `${symbol} snapshot at block ${result.scannedTo}: ${all.holderCount} holders, ${result.logs} new logs, top-10 share ${(all.top10Share * 100).toFixed(2)}%, Gini ${all.gini.toFixed(4)}${flag}`,
  );
} catch (error) {
  if (error instanceof IngestError) fail(error.message);
  fail(describeSnapshotFailure(error, scanning));
} finally {
  db.$client.close();
}
