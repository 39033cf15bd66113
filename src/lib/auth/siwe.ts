import type { SiweMessage } from 'viem/siwe';

/**
 * The checks Sign-In with Ethereum needs beyond the signature itself. viem's
 * own validateSiweMessage does not look at chainId or uri, so every field is
 * checked here, each failure with a sentence naming the check.
 */

export interface SiweExpectations {
  /** The site's origin, e.g. https://sentiment-desk.example */
  origin: string;
  chainIds: readonly number[];
  now: Date;
}

/** Clocks on readers' devices drift; an issuedAt up to this far ahead is accepted. */
export const CLOCK_SKEW_MS = 60_000;
export const MAX_MESSAGE_BYTES = 4096;

/** Returns null when the message fits this site and moment, else the failed check. */
export function checkSiweMessage(
  message: { [K in keyof SiweMessage]?: SiweMessage[K] | undefined },
  expected: SiweExpectations,
): string | null {
  const site = new URL(expected.origin);
  if (!message.address) return 'the message has no address';
  if (message.version !== '1') return 'the message is not SIWE version 1';
  if (message.domain !== site.host) return `the message is for domain "${message.domain ?? ''}", not ${site.host}`;
  let uri: URL;
  try {
    uri = new URL(message.uri ?? '');
  } catch {
    return 'the message uri is not a URL';
  }
  if (uri.origin !== site.origin) return `the message uri ${uri.origin} is not this site (${site.origin})`;
  if (message.chainId === undefined || !expected.chainIds.includes(message.chainId)) {
    return `chain ${message.chainId ?? '(none)'} is not accepted here (accepted: ${expected.chainIds.join(', ')})`;
  }
  if (!message.nonce) return 'the message has no nonce';
  const now = expected.now.getTime();
  if (!message.issuedAt) return 'the message has no issuedAt';
  if (message.issuedAt.getTime() > now + CLOCK_SKEW_MS) return 'the message was issued in the future';
  if (message.expirationTime && message.expirationTime.getTime() <= now) return 'the message has expired';
  if (message.notBefore && message.notBefore.getTime() > now) return 'the message is not valid yet (notBefore)';
  return null;
}

/** 0x1234…abcd, for showing an address in little space. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
