/**
 * Sign-In with Ethereum messages laid out straight from the EIP-4361 ABNF,
 * not by a wallet library, so tests can bend any one piece of the grammar.
 */

export interface SiweParts {
  /** Without the "://". */
  scheme?: string | undefined;
  domain: string;
  address: string;
  statement?: string | undefined;
  uri: string;
  version?: string | undefined;
  chainId?: string | undefined;
  nonce: string;
  issuedAt: string;
  expirationTime?: string | undefined;
  notBefore?: string | undefined;
  requestId?: string | undefined;
  resources?: string[] | undefined;
}

export const HEADER = ' wants you to sign in with your Ethereum account:';

/**
 * sign-in-with-ethereum =
 *   [ scheme "://" ] domain " wants you ..." LF address LF LF [ statement LF ] LF
 *   "URI: " uri LF "Version: " version LF "Chain ID: " chain-id LF "Nonce: " nonce LF
 *   "Issued At: " issued-at [ LF "Expiration Time: " ... ] [ LF "Not Before: " ... ]
 *   [ LF "Request ID: " ... ] [ LF "Resources:" *( LF "- " URI ) ]
 */
export function assembleSiwe(p: SiweParts): string {
  let text = `${p.scheme === undefined ? '' : `${p.scheme}://`}${p.domain}${HEADER}\n`;
  text += `${p.address}\n\n`;
  if (p.statement !== undefined) text += `${p.statement}\n`;
  text += '\n';
  text += `URI: ${p.uri}\nVersion: ${p.version ?? '1'}\nChain ID: ${p.chainId ?? '1'}\nNonce: ${p.nonce}\n`;
  text += `Issued At: ${p.issuedAt}`;
  if (p.expirationTime !== undefined) text += `\nExpiration Time: ${p.expirationTime}`;
  if (p.notBefore !== undefined) text += `\nNot Before: ${p.notBefore}`;
  if (p.requestId !== undefined) text += `\nRequest ID: ${p.requestId}`;
  if (p.resources !== undefined) text += `\nResources:${p.resources.map((r) => `\n- ${r}`).join('')}`;
  return text;
}

export interface Rfc3339Style {
  /** Minutes east of UTC; null writes "Z". `-0` writes "-00:00" (offset unknown, RFC 3339 §4.3). */
  offsetMinutes?: number | null;
  /** Digits after the decimal point (0: none). */
  fraction?: number;
  /** Lower-case "t" and "z", which the ABNF's case-insensitive strings allow. */
  lowerCase?: boolean;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** An instant written as an RFC 3339 date-time in the given style. */
export function rfc3339(date: Date, style: Rfc3339Style = {}): string {
  const offset = style.offsetMinutes ?? null;
  const local = new Date(date.getTime() + (offset ?? 0) * 60_000);
  const ms = pad(local.getUTCMilliseconds(), 3);
  const fraction =
    (style.fraction ?? 3) === 0 ? '' : `.${ms.padEnd(style.fraction ?? 3, '0').slice(0, style.fraction)}`;
  const t = style.lowerCase ? 't' : 'T';
  let zone = style.lowerCase ? 'z' : 'Z';
  if (offset !== null) {
    const sign = offset < 0 || Object.is(offset, -0) ? '-' : '+';
    const abs = Math.abs(offset);
    zone = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `${t}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`
  );
}
