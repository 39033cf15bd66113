/**
 * `npm run snapshot:import -- <SYMBOL> <holders.csv> --block N --date YYYY-MM-DD`
 * Builds a holder snapshot from an explorer's holder export (Etherscan,
 * BscScan, Blockscout) or a plain address,balance file. An unknown header or a
 * bad row stops the import naming file, line and reason, and nothing is written.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseHoldersCsv } from '../src/lib/chain/holders-csv.ts';
import { saveSnapshot } from '../src/lib/chain/repo.server.ts';
import { refreshSnapshotFigures } from '../src/app/snapshot-figures.server.ts';
import { reportReweighted, reweightPolls } from '../src/lib/cohorts/weighting.server.ts';
import { reportResolved, resolvePolls } from '../src/lib/resolution/repo.server.ts';
import { buildSnapshot } from '../src/lib/chain/snapshot.ts';
import { ConfigError, readServerConfig } from '../src/lib/platform/runtime/config.ts';
import { migrateDatabase, openDatabase } from '../src/lib/platform/db/db.server.ts';
import { tokenOrReason } from '../src/lib/chain/tokens.server.ts';
import { answerHelp } from './usage.ts';

const USAGE = 'usage: npm run snapshot:import -- <SYMBOL> <holders.csv> --block N --date YYYY-MM-DD';
answerHelp(USAGE);

function fail(message: string): never {
  console.error(`snapshot:import: ${message}`);
  process.exit(1);
}

function readArgs(): { symbol: string; file: string; block: number; date: string; takenAt: number } {
  let values: { block?: string | undefined; date?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: { block: { type: 'string' }, date: { type: 'string' } },
      allowPositionals: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [symbol, file] = positionals;
  if (!symbol || !file || positionals.length !== 2) fail(USAGE);
  const block = Number(values.block);
  if (!values.block || !Number.isSafeInteger(block) || block < 0) fail(`--block must be a block number\n${USAGE}`);
  const date = values.date ?? '';
  const takenAt = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(takenAt))
    fail(`--date must be a date like 2026-11-24\n${USAGE}`);
  return { symbol, file, block, date, takenAt };
}

const { file, block, date, takenAt, ...args } = readArgs();

const token = tokenOrReason(args.symbol);
if (typeof token === 'string') fail(token);
const { symbol } = token;
if (!existsSync(file)) fail(`${file}: no such file`);

const bytes = readFileSync(file);
const result = parseHoldersCsv(bytes.toString('utf8'), token.decimals);
if (!result.ok) fail(`${file}:${result.line}: ${result.reason}; nothing was imported`);

const snapshot = buildSnapshot({
  token,
  block,
  takenAt,
  holders: result.holders,
  source: { kind: 'csv', file: basename(file), sha256: createHash('sha256').update(bytes).digest('hex') },
  totalSupply: null,
  simulated: false,
});

try {
  const config = readServerConfig(process.env);
  const db = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
  await migrateDatabase(db);
  await saveSnapshot(db, snapshot, Date.now(), result.holders);
  await refreshSnapshotFigures(db, token, Date.now());
  reportReweighted(await reweightPolls(db, Date.now(), symbol));
  reportResolved(await resolvePolls(db, Date.now(), symbol));
  db.$client.close();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : `could not save the snapshot: ${(error as Error).message}`);
}

const { all } = snapshot.metrics;
// The plain format is named by its columns, which read badly after "a".
const from = result.format === 'address,balance' ? 'a plain address,balance file' : `a ${result.format} export`;
console.log(
  `${symbol} snapshot at block ${block} (${date}) from ${from}: ${all.holderCount} holders, top-10 share ${(all.top10Share * 100).toFixed(2)}%, ` +
    `Gini ${all.gini.toFixed(4)}, Nakamoto ${all.nakamoto}`,
);
