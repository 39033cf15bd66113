import type { SiweFields } from './siwe-grammar.ts';
import { isSiteAuthority } from '../platform/http/site-origin.ts';

/**
 * The checks Sign-In with Ethereum needs beyond the grammar (siwe-grammar.ts)
 * and the signature: that the message was made for this site, one of its
 * chains and this moment. Each failure is a sentence naming the check.
 */

export interface SiweExpectations {
  /**
   * The site's origin the sign-in was sent to (request-context.server.ts): SITE_URL's, or in local mode the
   * loopback name the request used. The message's domain and URI must name it.
   */
  origin: string;
  chainIds: readonly number[];
  now: Date;
}

/** Clocks on readers' devices drift; an issuedAt up to this far ahead is accepted. */
export const CLOCK_SKEW_MS = 60_000;
export const MAX_MESSAGE_BYTES = 4096;

/** Returns null when the message fits this site and moment, else the failed check. */
export function checkSiweMessage(message: SiweFields, expected: SiweExpectations): string | null {
  const site = new URL(expected.origin);
  const siteScheme = site.protocol.slice(0, -1);
  // EIP-4361: the scheme, when given, must be the origin's too; schemes compare case-insensitively (RFC 3986 §3.1).
  if (message.scheme !== null && message.scheme.toLowerCase() !== siteScheme) {
    return `the message is for scheme ${message.scheme}, not ${siteScheme}`;
  }
  if (!isSiteAuthority(message.domain, site)) return `the message is for domain "${message.domain}", not ${site.host}`;
  let uri: URL;
  try {
    uri = new URL(message.uri);
  } catch {
    return 'the message uri is not a URL';
  }
  if (uri.origin !== site.origin) return `the message uri ${uri.origin} is not this site (${site.origin})`;
  if (!expected.chainIds.some((id) => BigInt(id) === message.chainId)) {
    return `chain ${message.chainId} is not accepted here (accepted: ${expected.chainIds.join(', ')})`;
  }
  const now = expected.now.getTime();
  if (message.issuedAt.getTime() > now + CLOCK_SKEW_MS) return 'the message was issued in the future';
  if (message.expirationTime && message.expirationTime.getTime() <= now) return 'the message has expired';
  if (message.notBefore && message.notBefore.getTime() > now) return 'the message is not valid yet (notBefore)';
  return null;
}

/** 0x1234…abcd, for showing an address in little space. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
