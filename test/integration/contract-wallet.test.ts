import { getAddress, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wallet from '../../scripts/chain/wallet-artifact.json' with { type: 'json' };
import { startChain, type LocalChain } from '../helpers/chain.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { postVerify, siweMessage } from '../helpers/wallet.ts';

let chain: LocalChain;
let server: TestServer;
let withoutRpc: TestServer;
let walletAddress: Hex;
const owner = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  chain = await startChain();
  const hash = await chain.wallet.deployContract({
    abi: wallet.abi,
    bytecode: wallet.bytecode as Hex,
    args: [owner.address],
    account: chain.deployer,
    chain: null,
  });
  walletAddress = (await chain.publicClient.waitForTransactionReceipt({ hash })).contractAddress ?? '0x';
  [server, withoutRpc] = await Promise.all([
    startServer({ env: { SIWE_CHAIN_IDS: '31337', RPC_URL_31337: chain.url } }),
    startServer({ env: { SIWE_CHAIN_IDS: '31337' } }),
  ]);
});

afterAll(async () => {
  for (const s of [server, withoutRpc]) {
    await s?.stop();
    s?.cleanup();
  }
  await chain?.stop();
});

/** A SIWE message for the contract wallet's address, signed by `signer`. */
async function signedForWallet(baseUrl: string, signer = owner): Promise<[string, string]> {
  const message = await siweMessage(baseUrl, { ...owner, address: walletAddress } as typeof owner, { chainId: 31337 });
  return [message, await signer.signMessage({ message })];
}

describe('Sign-In with Ethereum for a smart-contract wallet (ERC-1271)', () => {
  it('signs in when the wallet contract accepts its owner’s signature, asking the chain through RPC_URL_<chain>', async () => {
    const [message, signature] = await signedForWallet(server.url);
    const res = await postVerify(server.url, message, signature);
    expect(res.status).toBe(200);
    expect(res.body.address).toBe(getAddress(walletAddress));
    expect(res.cookie).toMatch(/^session=/);
  });

  it('refuses when the contract rejects the signature', async () => {
    const [message, signature] = await signedForWallet(server.url, privateKeyToAccount(generatePrivateKey()));
    const res = await postVerify(server.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/not made by/);
  });

  it('answers a clear 401 when no RPC is configured for the chain', async () => {
    const [message, signature] = await signedForWallet(withoutRpc.url);
    const res = await postVerify(withoutRpc.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('smart-contract wallets can sign in only where RPC_URL_31337 is configured');
  });
});
