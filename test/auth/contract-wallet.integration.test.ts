import { encodeFunctionData, getAddress, keccak256, serializeErc6492Signature, stringToHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wallet from '../../scripts/chain/wallet-artifact.json' with { type: 'json' };
import factory from '../../scripts/chain/walletfactory-artifact.json' with { type: 'json' };
import { startChain, type LocalChain } from '../helpers/chain.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { postVerify, siweMessage } from '../helpers/wallet.ts';

let chain: LocalChain;
let server: TestServer;
let withoutRpc: TestServer;
/** A server whose RPC for the chain is a local endpoint that counts what it is asked (and answers nothing useful). */
let countedRpc: TestServer;
let rpcCalls = 0;
let rpc: Server;
let walletAddress: Hex;
let factoryAddress: Hex;
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
  const factoryHash = await chain.wallet.deployContract({
    abi: factory.abi,
    bytecode: factory.bytecode as Hex,
    account: chain.deployer,
    chain: null,
  });
  factoryAddress = (await chain.publicClient.waitForTransactionReceipt({ hash: factoryHash })).contractAddress ?? '0x';
  rpc = createServer((req, res) => {
    rpcCalls++;
    req.resume();
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => rpc.listen(0, '127.0.0.1', resolve));
  [server, withoutRpc, countedRpc] = await Promise.all([
    startServer({ env: { SIWE_CHAIN_IDS: '31337', RPC_URL_31337: chain.url } }),
    startServer({ env: { SIWE_CHAIN_IDS: '31337' } }),
    startServer({
      env: { SIWE_CHAIN_IDS: '31337', RPC_URL_31337: `http://127.0.0.1:${(rpc.address() as AddressInfo).port}` },
    }),
  ]);
});

afterAll(async () => {
  for (const s of [server, withoutRpc, countedRpc]) {
    await s?.stop();
    s?.cleanup();
  }
  await new Promise((resolve) => rpc?.close(resolve));
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

  it('asks the chain nothing for a message whose nonce this site never issued (or has used up)', async () => {
    const message = await siweMessage(countedRpc.url, { ...owner, address: walletAddress } as typeof owner, {
      chainId: 31337,
      nonce: 'neverIssuedByThisSite1',
    });
    const res = await postVerify(countedRpc.url, message, await owner.signMessage({ message }));
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('the nonce is unknown, expired or already used');
    expect(rpcCalls).toBe(0);
    // With a nonce it issued, the same kind of message is taken to the chain (which here answers only 503s).
    const [issued, signature] = await signedForWallet(countedRpc.url);
    const asked = await postVerify(countedRpc.url, issued, signature);
    expect(asked.status).toBe(401);
    expect(rpcCalls).toBeGreaterThan(0);
  });

  it('answers a clear 401 when no RPC is configured for the chain', async () => {
    const [message, signature] = await signedForWallet(withoutRpc.url);
    const res = await postVerify(withoutRpc.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('smart-contract wallets can sign in only where RPC_URL_31337 is configured');
  });
});

describe('Sign-In with Ethereum for a contract wallet not deployed yet (ERC-6492)', () => {
  const salt = keccak256(stringToHex('sentiment-desk erc-6492 test'));
  let address: Hex;

  beforeAll(async () => {
    address = (await chain.publicClient.readContract({
      address: factoryAddress,
      abi: factory.abi,
      functionName: 'walletAddress',
      args: [owner.address, salt],
    })) as Hex;
  });

  /** A message for the wallet's CREATE2 address; `signer`'s signature wrapped with the factory call that deploys it. */
  async function counterfactual(
    baseUrl: string,
    options: { signer?: typeof owner; nonce?: string } = {},
  ): Promise<[string, Hex]> {
    const message = await siweMessage(baseUrl, { ...owner, address } as typeof owner, {
      chainId: 31337,
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
    const signature = serializeErc6492Signature({
      address: factoryAddress,
      data: encodeFunctionData({ abi: factory.abi, functionName: 'deploy', args: [owner.address, salt] }),
      signature: await (options.signer ?? owner).signMessage({ message }),
    });
    return [message, signature];
  }

  it('signs in through the factory call in the signature, and the wallet stays undeployed', async () => {
    expect(await chain.publicClient.getCode({ address })).toBeUndefined();
    const [message, signature] = await counterfactual(server.url);
    const res = await postVerify(server.url, message, signature);
    expect(res.status).toBe(200);
    expect(res.body.address).toBe(getAddress(address));
    expect(res.cookie).toMatch(/^session=/);
    // The verifier simulates the deployment in an eth_call; nothing is written on chain.
    expect(await chain.publicClient.getCode({ address })).toBeUndefined();
  });

  it('refuses a wrapped signature whose inner signature is not the owner’s, leaving the nonce usable', async () => {
    const [message, signature] = await counterfactual(server.url, {
      signer: privateKeyToAccount(generatePrivateKey()),
    });
    const res = await postVerify(server.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'siwe_invalid' });
    expect(res.body.message).toContain(`not made by ${getAddress(address)}`);
    expect(res.cookie).toBeNull();
    const nonce = /^Nonce: (.*)$/m.exec(message)?.[1] ?? '';
    const retry = await postVerify(server.url, ...(await counterfactual(server.url, { nonce })));
    expect(retry.status).toBe(200);
  });

  it('answers a clear 401 when no RPC is configured for the chain', async () => {
    const [message, signature] = await counterfactual(withoutRpc.url);
    const res = await postVerify(withoutRpc.url, message, signature);
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('smart-contract wallets can sign in only where RPC_URL_31337 is configured');
  });
});
