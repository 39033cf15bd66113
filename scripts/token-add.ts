/**
 * `npm run token:add -- <rpc-url> <address> [--symbol S] [--labels labels.csv] [--force]`
 * Reads an ERC-20's name, symbol, decimals and totalSupply from its contract,
 * finds its deployment block, and writes src/content/tokens/<symbol>.yaml
 * (TOKENS_DIR elsewhere). Anything that is not an ERC-20 is refused in one
 * line; an existing file is kept unless --force.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createPublicClient, http, isAddress, type Hex } from 'viem';
import { NotAnErc20, readContractFacts } from '../src/lib/chain/token-add.server.ts';
import { chooseSymbol, parseLabelsCsv, tokenFileName, tokenFileText } from '../src/lib/chain/token-file.ts';
import { TOKENS_DIR } from '../src/lib/chain/tokens.server.ts';
import { answerHelp } from './usage.ts';

const USAGE = 'usage: npm run token:add -- <rpc-url> <address> [--symbol S] [--labels labels.csv] [--force]';
answerHelp(USAGE);

function fail(message: string): never {
  console.error(`token:add: ${message}`);
  process.exit(1);
}

let values: { symbol?: string | undefined; labels?: string | undefined; force?: boolean | undefined };
let positionals: string[];
try {
  ({ values, positionals } = parseArgs({
    options: { symbol: { type: 'string' }, labels: { type: 'string' }, force: { type: 'boolean' } },
    allowPositionals: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const [rpc, address] = positionals;
if (!rpc || !address || positionals.length !== 2) fail(USAGE);
if (!/^https?:\/\//.test(rpc)) fail(`${rpc} is not an http(s) RPC URL\n${USAGE}`);
if (!isAddress(address, { strict: false })) fail(`${address} is not an address`);

let labels = {};
if (values.labels !== undefined) {
  if (!existsSync(values.labels)) fail(`${values.labels}: no such file`);
  const parsed = parseLabelsCsv(readFileSync(values.labels, 'utf8'));
  if (!parsed.ok) fail(`${values.labels}:${parsed.line}: ${parsed.reason}`);
  labels = parsed.labels;
}

const client = createPublicClient({ transport: http(rpc, { retryCount: 2, timeout: 20_000 }) });
let facts;
try {
  facts = await readContractFacts(client, address as Hex);
} catch (error) {
  if (error instanceof NotAnErc20) fail(error.message);
  fail(`the RPC at ${rpc} did not answer: ${(error as Error).message.split('\n')[0]}`);
}
const symbol = chooseSymbol(facts.symbol, values.symbol);
if (typeof symbol !== 'string') fail(symbol.problem);

const path = join(TOKENS_DIR, tokenFileName(symbol));
if (existsSync(path) && !values.force) fail(`${path} exists; pass --force to overwrite it`);
writeFileSync(path, tokenFileText(facts, symbol, labels));

const shown = relative(process.cwd(), path) || path;
console.log(
  [
    `token:add: wrote ${shown}: ${facts.name} (${symbol}) on chain ${facts.chainId}, ${facts.decimals} decimals, ` +
      `deployed at block ${facts.deployBlock}, ${Object.keys(labels).length} labels.`,
    'Next:',
    `  1. Set RPC_URL_${facts.chainId}=${rpc} where the site and the scripts run (it is a secret: keep it out of git).`,
    `  2. Take the first snapshot: npm run snapshot -- ${symbol} (scans Transfer logs from block ${facts.deployBlock}).`,
    `     A running server then takes one every SNAPSHOT_EVERY (default 6h).`,
    `  3. Label exchanges, team, vesting and treasury wallets in ${shown} (or pass --labels labels.csv with --force).`,
    `  4. Rebuild (npm start builds) so /tokens/${tokenFileName(symbol).replace(/\.yaml$/, '')}/ lists it.`,
  ].join('\n'),
);
