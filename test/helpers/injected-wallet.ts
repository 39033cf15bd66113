import type { BrowserContext } from 'playwright-core';
import type { Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';

/**
 * Gives every page of a browser context an EIP-1193 wallet backed by a viem
 * local account: announced through EIP-6963 and also set as window.ethereum.
 * Signing happens in Node with the account's key; the page only sees results.
 */
export interface WalletOptions {
  chainId?: number;
  name?: string;
  /** Sign with this account instead (a wallet whose signature the server must refuse). */
  signer?: PrivateKeyAccount;
  /** Answer the connection request with the EIP-1193 "user rejected" error. */
  rejectConnection?: boolean;
}

export async function injectWallet(
  context: BrowserContext,
  account: PrivateKeyAccount,
  options: WalletOptions = {},
): Promise<void> {
  const { chainId = 1, name = 'Test Wallet', signer = account, rejectConnection = false } = options;
  const binding = `__walletSign_${name.replace(/\W/g, '_')}`;
  await context.exposeBinding(binding, async (_source, raw: Hex) => signer.signMessage({ message: { raw } }));
  await context.addInitScript(
    ({ address, chainHex, walletName, signBinding, reject }) => {
      const provider = {
        async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
          switch (method) {
            case 'eth_requestAccounts':
            case 'eth_accounts':
              if (reject) throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
              return [address];
            case 'eth_chainId':
              return chainHex;
            case 'personal_sign':
              return (window as unknown as Record<string, (raw: string) => Promise<string>>)[signBinding]?.(
                String(params?.[0]),
              );
            default:
              throw Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
          }
        },
      };
      const detail = Object.freeze({
        info: {
          uuid: `test-wallet-${walletName}`,
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
    {
      address: account.address,
      chainHex: `0x${chainId.toString(16)}`,
      walletName: name,
      signBinding: binding,
      reject: rejectConnection,
    },
  );
}
