import type { messagesOf } from '../../lib/i18n/client';
import { createSiweMessage } from 'viem/siwe';

/**
 * Sign-In with Ethereum in the browser. This module is imported only when a
 * reader clicks "Sign in with wallet", so pages carry none of it until then.
 */

interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface ProviderDetail {
  info: { uuid: string; name: string; icon: string; rdns: string };
  provider: Eip1193Provider;
}

/** The page's words for the sign-in flow (see lib/i18n/client). */
export type WalletText = ReturnType<typeof messagesOf<'wallet'>>;

export class WalletError extends Error {
  override name = 'WalletError';
}

const CHAIN_NAMES: Record<number, string> = { 1: 'Ethereum', 8453: 'Base' };

/** Injected wallets announce themselves through EIP-6963; window.ethereum is the older fallback. */
async function discoverWallets(t: WalletText): Promise<ProviderDetail[]> {
  const found = new Map<string, ProviderDetail>();
  const onAnnounce = (event: Event): void => {
    const detail = (event as CustomEvent<ProviderDetail>).detail;
    if (detail?.info?.uuid && detail.provider) found.set(detail.info.uuid, detail);
  };
  window.addEventListener('eip6963:announceProvider', onAnnounce);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  window.removeEventListener('eip6963:announceProvider', onAnnounce);
  if (found.size > 0) return [...found.values()];
  const legacy = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  return legacy
    ? [{ info: { uuid: 'legacy', name: t('wallet.browserWallet'), icon: '', rdns: '' }, provider: legacy }]
    : [];
}

/** Lets the reader pick when several wallets are installed. */
function chooseWallet(wallets: ProviderDetail[], t: WalletText): Promise<ProviderDetail> {
  if (wallets.length === 1 && wallets[0]) return Promise.resolve(wallets[0]);
  return new Promise((resolve, reject) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'wallet-picker';
    const title = document.createElement('h2');
    title.textContent = t('wallet.choose');
    const list = document.createElement('ul');
    for (const wallet of wallets) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      // Wallet icons are data: URIs by the EIP; anything else is not loaded.
      if (/^data:image\/(png|svg\+xml|webp|jpeg);/.test(wallet.info.icon)) {
        const icon = document.createElement('img');
        icon.src = wallet.info.icon;
        icon.alt = '';
        icon.width = 24;
        icon.height = 24;
        button.append(icon);
      }
      button.append(wallet.info.name);
      button.addEventListener('click', () => {
        dialog.close();
        dialog.remove();
        resolve(wallet);
      });
      item.append(button);
      list.append(item);
    }
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'link-button';
    cancel.textContent = t('wallet.cancel');
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      reject(new WalletError(t('wallet.noneChosen')));
    });
    dialog.append(title, list, cancel);
    document.body.append(dialog);
    dialog.showModal();
  });
}

function isUserRejection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === 4001;
}

function toHexUtf8(text: string): string {
  return `0x${[...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Signs the reader in; resolves with their address or rejects with a WalletError saying what went wrong. */
export async function signInWithWallet(allowedChains: number[], t: WalletText): Promise<string> {
  const wallets = await discoverWallets(t);
  if (wallets.length === 0) throw new WalletError(t('wallet.noWallet'));
  const { provider } = await chooseWallet(wallets, t);
  let address: string;
  try {
    const accounts = (await provider.request({ method: 'eth_requestAccounts' })) as string[];
    address = accounts[0] ?? '';
  } catch (error) {
    throw new WalletError(t(isUserRejection(error) ? 'wallet.declinedConnect' : 'wallet.notConnected'));
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new WalletError(t('wallet.noAccount'));
  const chainId = Number.parseInt(String(await provider.request({ method: 'eth_chainId' })), 16);
  if (!allowedChains.includes(chainId)) {
    const names = allowedChains.map((id) => CHAIN_NAMES[id] ?? t('wallet.chain', { chainId: id })).join(t('wallet.or'));
    throw new WalletError(t('wallet.wrongChain', { chainId, chains: names }));
  }
  const nonceResponse = await fetch('/api/auth/nonce');
  if (!nonceResponse.ok) throw new WalletError(t('wallet.noNonce'));
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const now = new Date();
  const message = createSiweMessage({
    domain: location.host,
    uri: location.origin,
    version: '1',
    chainId,
    address: address as `0x${string}`,
    nonce,
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 10 * 60_000),
    // English in every language: EIP-4361's grammar allows only ASCII in the statement.
    statement: 'Sign in to sentiment-desk to comment and vote. This costs nothing and sends no transaction.',
  });
  let signature: string;
  try {
    signature = (await provider.request({ method: 'personal_sign', params: [toHexUtf8(message), address] })) as string;
  } catch (error) {
    throw new WalletError(t(isUserRejection(error) ? 'wallet.declinedSign' : 'wallet.cannotSign'));
  }
  const verify = await fetch('/api/auth/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature }),
  });
  const body = (await verify.json()) as { address?: string; message?: string; reason?: string };
  if (verify.ok && body.address) return body.address;
  // The reason names the message's own fields and lines, which are English in every language (EIP-4361).
  throw new WalletError(
    body.reason ? t('wallet.refusedBecause', { reason: body.reason }) : (body.message ?? t('wallet.refused')),
  );
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST' });
}
