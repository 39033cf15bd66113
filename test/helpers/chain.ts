import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createPublicClient,
  createWalletClient,
  http,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import artifact from '../../scripts/chain/token-artifact.json' with { type: 'json' };
import { freePort } from './ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = fileURLToPath(new URL('../chain/hardhat.config.cjs', import.meta.url));

/** Hardhat's first well-known development key: the deployer and minter. Never used off the local chain. */
export const DEPLOYER_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const TOKEN_ABI = artifact.abi;

/** A tuple of N items of T, so that destructuring it gives each a T. */
type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [T, ...R]>;

/** `n` fresh accounts with random keys (fund them before they send). */
export function freshAccounts<N extends number>(n: N): Tuple<PrivateKeyAccount, N> {
  return Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey())) as Tuple<PrivateKeyAccount, N>;
}

export interface LocalChain {
  url: string;
  publicClient: PublicClient;
  deployer: PrivateKeyAccount;
  wallet: WalletClient;
  stop(): Promise<void>;
}

/** A real local EVM node (Hardhat's, from npm) on 127.0.0.1, for as long as the caller needs it. */
export async function startChain(options: { startDate?: string } = {}): Promise<LocalChain> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'node_modules/hardhat/internal/cli/cli.js',
      '--config',
      CONFIG,
      'node',
      '--hostname',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
        ...(options.startDate ? { CHAIN_START_DATE: options.startDate } : {}),
      },
    },
  );
  let log = '';
  child.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const publicClient = createPublicClient({ transport: http(url, { retryCount: 0 }), cacheTime: 0 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited:\n${log}`);
    try {
      await publicClient.getBlockNumber();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`hardhat node did not answer in time:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const deployer = privateKeyToAccount(DEPLOYER_KEY);
  return {
    url,
    publicClient,
    deployer,
    wallet: createWalletClient({ account: deployer, transport: http(url, { retryCount: 0 }) }),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}

/** Deploys the test ERC-20; returns its address. */
export async function deployToken(chain: LocalChain, name = 'Test Token', symbol = 'TST'): Promise<Hex> {
  const hash = await chain.wallet.deployContract({
    abi: TOKEN_ABI,
    bytecode: artifact.bytecode as Hex,
    args: [name, symbol],
    account: chain.deployer,
    chain: null,
  });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error('deployment produced no contract');
  return receipt.contractAddress;
}

/** Mints to many holders in batches of `batch` per transaction (one Transfer log each). */
export async function mintMany(
  chain: LocalChain,
  token: Hex,
  to: Hex[],
  amounts: bigint[],
  batch = 400,
): Promise<void> {
  for (let i = 0; i < to.length; i += batch) {
    const hash = await chain.wallet.writeContract({
      address: token,
      abi: TOKEN_ABI,
      functionName: 'mintMany',
      args: [to.slice(i, i + batch), amounts.slice(i, i + batch)],
      account: chain.deployer,
      chain: null,
      // Under the per-transaction gas cap (2^24) that current EVM rules impose.
      gas: 16_000_000n,
    });
    await chain.publicClient.waitForTransactionReceipt({ hash });
  }
}

/** A transfer signed by `from` (a funded Hardhat account key or one of ours, funded first); its receipt. */
export async function transferFrom(
  chain: LocalChain,
  token: Hex,
  from: PrivateKeyAccount,
  to: Hex,
  amount: bigint,
): Promise<TransactionReceipt> {
  return sendTransfer(chain, token, from, to, amount);
}

async function sendTransfer(
  chain: LocalChain,
  token: Hex,
  from: PrivateKeyAccount | Hex,
  to: Hex,
  amount: bigint,
): Promise<TransactionReceipt> {
  const wallet = createWalletClient({ transport: http(chain.url, { retryCount: 0 }) });
  const hash = await wallet.writeContract({
    address: token,
    abi: TOKEN_ABI,
    functionName: 'transfer',
    args: [to, amount],
    account: from,
    chain: null,
  });
  return chain.publicClient.waitForTransactionReceipt({ hash });
}

/** Sends ETH for gas. */
export async function fund(chain: LocalChain, to: Hex, wei = 10n ** 18n): Promise<void> {
  const hash = await chain.wallet.sendTransaction({ to, value: wei, account: chain.deployer, chain: null });
  await chain.publicClient.waitForTransactionReceipt({ hash });
}

/** Moves the chain's clock forward (the next block is mined that much later). */
export async function advanceTime(chain: LocalChain, seconds: number): Promise<void> {
  await chain.publicClient.request({ method: 'evm_increaseTime' as never, params: [seconds] as never });
  await chain.publicClient.request({ method: 'evm_mine' as never, params: [] as never });
}

/**
 * A transfer sent as `from` without its key (Hardhat's impersonation, with gas money set for it): for
 * addresses a script names but holds no key for, such as the demo's simulated exchange.
 */
export async function transferAs(chain: LocalChain, token: Hex, from: Hex, to: Hex, amount: bigint): Promise<void> {
  await chain.publicClient.request({ method: 'hardhat_impersonateAccount' as never, params: [from] as never });
  await chain.publicClient.request({
    method: 'hardhat_setBalance' as never,
    params: [from, `0x${(10n ** 20n).toString(16)}`] as never,
  });
  await sendTransfer(chain, token, from, to, amount);
}
