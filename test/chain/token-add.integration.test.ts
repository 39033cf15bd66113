import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { getAddress, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wallet from '../../scripts/chain/wallet-artifact.json' with { type: 'json' };
import { listSnapshots } from '../../src/lib/chain/repo.server.ts';
import { tokenDefinitionSchema } from '../../src/lib/chain/schemas.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';
import { deployToken, fund, mintMany, startChain, type LocalChain } from '../helpers/chain.ts';

/**
 * `npm run token:add` against a real local chain: an ERC-20 deployed some
 * blocks in, a symbol with a dot suffix, labels from a CSV, the refusals (not
 * a contract, not an ERC-20, an existing file), and the first snapshot of the
 * token it wrote.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let chain: LocalChain;
let dir: string;
let tokenAddress: Hex;
let deployedAt: number;
let walletAddress: Hex;

function run(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: ROOT, env: { ...process.env, TOKENS_DIR: dir, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}
const tokenAdd = (...args: string[]) => run('scripts/token-add.ts', args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentiment-desk-token-add-'));
  chain = await startChain();
  // A few blocks before the token, so its deployment block is found, not assumed.
  for (let i = 0; i < 5; i++) await fund(chain, `0x${(0xb0b0 + i).toString(16).padStart(40, '0')}`, 1n);
  tokenAddress = await deployToken(chain, 'Bridged USD Coin', 'USDC.e');
  deployedAt = Number(await chain.publicClient.getBlockNumber());
  await mintMany(
    chain,
    tokenAddress,
    [`0x${'1'.repeat(40)}`, `0x${'2'.repeat(40)}`],
    [600n * 10n ** 18n, 400n * 10n ** 18n],
  );
  const hash = await chain.wallet.deployContract({
    abi: wallet.abi,
    bytecode: wallet.bytecode as Hex,
    args: [chain.deployer.address],
    account: chain.deployer,
    chain: null,
  });
  walletAddress = (await chain.publicClient.waitForTransactionReceipt({ hash })).contractAddress ?? '0x';
}, 60_000);

afterAll(async () => {
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run token:add', () => {
  it('writes the token file from the contract: name, symbol with its suffix, decimals, deploy block, labels', async () => {
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, `address,name,kind\n0x${'2'.repeat(40)},Bridge escrow,bridge\n`);
    const added = await tokenAdd(chain.url, tokenAddress.toLowerCase(), '--labels', labels);
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain(
      `Bridged USD Coin (USDC.e) on chain 31337, 18 decimals, deployed at block ${deployedAt}`,
    );
    expect(added.output).toContain('Set RPC_URL_31337=');
    expect(added.output).toContain('npm run snapshot -- USDC.e');
    const text = readFileSync(join(dir, 'usdc.e.yaml'), 'utf8');
    const token = tokenDefinitionSchema.parse(parse(text));
    expect(token).toMatchObject({
      symbol: 'USDC.e',
      name: 'Bridged USD Coin',
      chainId: 31337,
      address: getAddress(tokenAddress),
      decimals: 18,
      deployBlock: deployedAt,
      rpcEnv: 'RPC_URL_31337',
      labels: { [`0x${'2'.repeat(40)}`]: { name: 'Bridge escrow', kind: 'bridge' } },
    });
    expect(text).toContain(`totalSupply() was ${1000n * 10n ** 18n} base units`);
  });

  it('never overwrites a token file without --force', async () => {
    const before = readFileSync(join(dir, 'usdc.e.yaml'), 'utf8');
    const again = await tokenAdd(chain.url, tokenAddress);
    expect(again.code).toBe(1);
    expect(again.output.trim()).toBe(`token:add: ${join(dir, 'usdc.e.yaml')} exists; pass --force to overwrite it`);
    expect(readFileSync(join(dir, 'usdc.e.yaml'), 'utf8')).toBe(before);
    const forced = await tokenAdd(chain.url, tokenAddress, '--force', '--symbol', 'USDCE');
    expect(forced.code, forced.output).toBe(0);
    expect(tokenDefinitionSchema.parse(parse(readFileSync(join(dir, 'usdce.yaml'), 'utf8'))).symbol).toBe('USDCE');
  });

  it('gives the first snapshot a start: npm run snapshot reads the file it wrote, whatever the case', async () => {
    const url = `file:${join(dir, 'app.db')}`;
    const snapped = await run('scripts/snapshot.ts', ['usdc.e'], { DATABASE_URL: url, RPC_URL_31337: chain.url });
    expect(snapped.code, snapped.output).toBe(0);
    expect(snapped.output).toContain('USDC.e snapshot at block');
    const db = await openDatabase({ url });
    try {
      const [snapshot] = await listSnapshots(db, 'USDC.e');
      expect(snapshot?.metrics.all.holderCount).toBe(2);
    } finally {
      db.$client.close();
    }
  });

  it.each([
    ['an address with no code', () => `0x${'3'.repeat(40)}`, /has no contract code on chain 31337/],
    ['a contract that is not an ERC-20', () => walletAddress, /is not an ERC-20: name\(\) did not answer/],
  ])('refuses %s in one line, writing nothing', async (_, address, message) => {
    const refused = await tokenAdd(chain.url, address(), '--symbol', 'NOPE');
    expect(refused.code).toBe(1);
    expect(refused.output.trim().split('\n')).toHaveLength(1);
    expect(refused.output).toMatch(message);
    expect(() => readFileSync(join(dir, 'nope.yaml'))).toThrow();
  });

  it.each([
    [['http://127.0.0.1:1', `0x${'3'.repeat(40)}`], /the RPC at http:\/\/127\.0\.0\.1:1 did not answer/],
    [['ftp://x', `0x${'3'.repeat(40)}`], /is not an http\(s\) RPC URL/],
    [['http://127.0.0.1:1', '0x123'], /0x123 is not an address/],
    [['http://127.0.0.1:1'], /usage: npm run token:add/],
    [['{rpc}', '{token}', '--symbol', 'USDC e'], /--symbol USDC e: a token symbol is letters and digits/],
  ])('refuses bad arguments: %j', async (args, message) => {
    const filled = args.map((a) => a.replace('{rpc}', chain.url).replace('{token}', tokenAddress));
    const refused = await tokenAdd(...filled);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(message);
  });

  it('refuses a labels file that is not address,name,kind with a known kind', async () => {
    const labels = join(dir, 'bad-labels.csv');
    writeFileSync(labels, `address,name,kind\n0x${'2'.repeat(40)},Somebody,friend\n`);
    const refused = await tokenAdd(chain.url, tokenAddress, '--labels', labels, '--force');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`${labels}:2: "friend" is not one of exchange, team`);
  });
});
