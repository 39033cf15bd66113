import { erc20Abi, getAddress, type Hex, type PublicClient } from 'viem';
import type { ContractFacts } from './token-file.ts';

/**
 * What `npm run token:add` asks the chain: that the address holds code, that
 * the code answers as an ERC-20 (name, symbol, decimals, totalSupply and
 * balanceOf, each with a value of the right type), and at which block the
 * code first appeared.
 */

export class NotAnErc20 extends Error {
  override name = 'NotAnErc20';
}

/** The first block at which `address` has code: a binary search over eth_getCode (needs an archive node for old blocks). */
export async function findDeployBlock(client: PublicClient, address: Hex, latest: bigint): Promise<number> {
  const hasCode = async (block: bigint): Promise<boolean> => {
    const code = await client.getCode({ address, blockNumber: block });
    return code !== undefined && code !== '0x';
  };
  let low = 0n;
  let high = latest;
  // Invariant: code exists at `high`; the first block with code is in [low, high].
  while (low < high) {
    const middle = (low + high) / 2n;
    if (await hasCode(middle)) high = middle;
    else low = middle + 1n;
  }
  return Number(high);
}

/** Reads the contract's ERC-20 facts, or throws NotAnErc20 with the one reason. */
export async function readContractFacts(client: PublicClient, address: Hex): Promise<ContractFacts> {
  const chainId = await client.getChainId();
  const latest = await client.getBlockNumber();
  const code = await client.getCode({ address, blockNumber: latest });
  if (code === undefined || code === '0x') {
    throw new NotAnErc20(`${address} has no contract code on chain ${chainId} at block ${latest}`);
  }
  const call = async <T>(functionName: 'name' | 'symbol' | 'decimals' | 'totalSupply'): Promise<T> => {
    try {
      return (await client.readContract({ address, abi: erc20Abi, functionName, blockNumber: latest })) as T;
    } catch {
      throw new NotAnErc20(`${address} on chain ${chainId} is not an ERC-20: ${functionName}() did not answer`);
    }
  };
  const [name, symbol, decimals, totalSupply] = [
    await call<string>('name'),
    await call<string>('symbol'),
    await call<number>('decimals'),
    await call<bigint>('totalSupply'),
  ];
  try {
    await client.readContract({
      address,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: ['0x0000000000000000000000000000000000000000'],
      blockNumber: latest,
    });
  } catch {
    throw new NotAnErc20(`${address} on chain ${chainId} is not an ERC-20: balanceOf() did not answer`);
  }
  if (name.trim() === '') throw new NotAnErc20(`${address} on chain ${chainId} answers name() with an empty name`);
  return {
    chainId,
    address: getAddress(address),
    name: name.trim(),
    symbol: symbol.trim(),
    decimals,
    totalSupply,
    deployBlock: await findDeployBlock(client, address, latest),
  };
}
