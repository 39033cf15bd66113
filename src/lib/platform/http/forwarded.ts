import { BlockList, isIP } from 'node:net';

/**
 * Who a request really came from when the site sits behind a proxy (nginx).
 * X-Forwarded-For and X-Forwarded-Proto are believed only when the TCP peer
 * is a proxy we trust (TRUSTED_PROXIES); anyone else could write them, and a
 * forged address would give a client a fresh rate-limit bucket per request.
 */

/** What the server learns from the socket and the two forwarding headers. */
export interface ForwardedInput {
  socketAddress: string | undefined;
  /** The connection itself is TLS. */
  encrypted: boolean;
  forwardedFor: string | string[] | undefined;
  forwardedProto: string | string[] | undefined;
}

export interface ClientOrigin {
  /** The client's IP address, or 'unknown' if the socket has none (closed already). */
  address: string;
  /** The client reached us over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
}

/** `::ffff:10.0.0.1` is the IPv4 client 10.0.0.1 on a dual-stack socket. */
function normalize(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
}

/**
 * Parses TRUSTED_PROXIES: IP addresses and CIDR ranges, comma-separated.
 * Returns the set and a problem per entry that is neither.
 *
 * @example parseTrustedProxies('127.0.0.1, ::1, 10.0.0.0/8')
 */
export function parseTrustedProxies(value: string): { proxies: BlockList; problems: string[] } {
  const proxies = new BlockList();
  const problems: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(normalize(address));
    const prefix = prefixText === undefined ? null : Number(prefixText);
    const maxPrefix = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      extra !== undefined ||
      (prefix !== null && (!/^\d{1,3}$/.test(prefixText ?? '') || prefix > maxPrefix))
    ) {
      problems.push(`TRUSTED_PROXIES entry ${JSON.stringify(entry)} is not an IP address or CIDR range`);
      continue;
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === null) proxies.addAddress(normalize(address), type);
    else proxies.addSubnet(normalize(address), prefix, type);
  }
  return { proxies, problems };
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((part) => normalize(part))
    .filter(Boolean);
}

/**
 * The client behind any chain of trusted proxies: walking X-Forwarded-For
 * from the right (each proxy appends the peer it saw), the first address not
 * in the trusted set. Entries left of it were written by the client and are
 * ignored, so a forged header changes nothing.
 */
export function clientOrigin(input: ForwardedInput, proxies: BlockList): ClientOrigin {
  const peer = normalize(input.socketAddress ?? '') || 'unknown';
  if (!isTrusted(proxies, peer)) return { address: peer, secure: input.encrypted };

  let address = peer;
  const hops = headerList(input.forwardedFor);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    // Garbage where a trusted proxy should have written an address: stop at the last hop we can vouch for.
    if (isIP(hop) === 0) break;
    address = hop;
    if (!isTrusted(proxies, hop)) break;
  }
  // The proxy nearest to us says how the client reached the edge.
  const proto = headerList(input.forwardedProto).at(-1)?.toLowerCase();
  return { address, secure: proto === undefined ? input.encrypted : proto === 'https' };
}

/**
 * The rate-limit bucket of a client address. An IPv6 client is usually given
 * a whole /64, and could walk through it address by address, so a bucket is
 * the /64; an IPv4 address is its own bucket. Anything else is kept as is.
 *
 * @example clientBucket('2001:db8:1:2:aaaa::7') // '2001:db8:1:2::/64'
 */
export function clientBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A trailing dotted IPv4 part stands for two groups.
  const dotted = [...left, ...right].at(-1)?.includes('.') ? 1 : 0;
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length - dotted)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
