import type { BrowserContext } from 'playwright-core';
import type { Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';

/**
 * Gives every page of a browser context an EIP-1193 wallet backed by a viem
 * local account: announced through EIP-6963 and also set as window.ethereum.
 * Signing happens in Node with the account's key; the page only sees results.
 */
export async function injectWallet(
  context: BrowserContext,
  account: PrivateKeyAccount,
  chainId = 1,
  name = 'Test Wallet',
): Promise<void> {
  await context.exposeBinding('__walletSign', async (_source, raw: Hex) => account.signMessage({ message: { raw } }));
  await context.addInitScript(
    ({ address, chainHex, walletName }) => {
      const provider = {
        async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
          switch (method) {
            case 'eth_requestAccounts':
            case 'eth_accounts':
              return [address];
            case 'eth_chainId':
              return chainHex;
            case 'personal_sign':
              return (window as unknown as { __walletSign(raw: string): Promise<string> }).__walletSign(
                String(params?.[0]),
              );
            default:
              throw Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
          }
        },
      };
      const detail = Object.freeze({
        info: {
          uuid: '5f0e1a2b-0000-4000-8000-000000000001',
          name: walletName,
          icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>',
          rdns: 'test.wallet',
        },
        provider,
      });
      const announce = (): void => {
        window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
      };
      window.addEventListener('eip6963:requestProvider', announce);
      (window as unknown as { ethereum: unknown }).ethereum = provider;
    },
    { address: account.address, chainHex: `0x${chainId.toString(16)}`, walletName: name },
  );
}
