import { messagesOf } from '../../lib/i18n/client';
import type * as WalletModule from './wallet.client';

/**
 * Wires every "Sign in with wallet" and "Sign out" button, anywhere on the
 * page, by event delegation, so buttons inserted later (server islands) work
 * too. The wallet module itself loads on the first click.
 */
async function wallet(): Promise<typeof WalletModule> {
  return import('./wallet.client');
}

function say(button: HTMLElement, text: string): void {
  const message = button.parentElement?.querySelector<HTMLElement>('[data-wallet-message]');
  if (message) message.textContent = text;
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const signIn = target?.closest<HTMLButtonElement>('[data-wallet-sign-in]');
  const signOut = target?.closest<HTMLButtonElement>('[data-sign-out]');
  if (signIn) {
    event.preventDefault();
    signIn.disabled = true;
    const t = messagesOf<'wallet'>(signIn);
    say(signIn, t('wallet.checking'));
    const chains = (signIn.dataset.chains ?? '1').split(',').map(Number);
    void wallet()
      .then((w) => w.signInWithWallet(chains, t))
      .then(() => {
        say(signIn, t('wallet.signedIn'));
        document.dispatchEvent(new CustomEvent('wallet:change'));
      })
      .catch((error: unknown) => say(signIn, error instanceof Error ? error.message : t('wallet.failed')))
      .finally(() => (signIn.disabled = false));
  } else if (signOut) {
    event.preventDefault();
    void wallet()
      .then((w) => w.signOut())
      .then(() => document.dispatchEvent(new CustomEvent('wallet:change')));
  }
});
