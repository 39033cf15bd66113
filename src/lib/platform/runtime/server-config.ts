import type { BlockList } from 'node:net';
import { parseTrustedProxies } from '../http/forwarded.ts';
/**
 * The server's configuration once each variable has passed its astro:env
 * field rules: the cross-field rules and parsing live here, with no Astro
 * import, so both scripts/serve.ts and Astro's bundle can use them.
 */
export interface ServerConfig {
  databaseUrl: string;
  databaseAuthToken: string | null;
  siteUrl: string | null;
  voteRateLimit: number;
  /** Sign-in attempts a minute per client network (VERIFY_RATE_LIMIT); 0 counts nothing. */
  verifyRateLimit: number;
  /** CSV downloads a minute per client network (CSV_RATE_LIMIT); 0 counts nothing. */
  csvRateLimit: number;
  siweChainIds: number[];
  /** chain id -> JSON-RPC URL */
  rpcUrls: Record<number, string>;
  /** Lower-cased addresses. */
  adminAddresses: string[];
  /** Peers whose forwarding headers are believed. */
  trustedProxies: BlockList;
  /** The simulated demo is shown (DEMO=on, the default). */
  demo: boolean;
  /** Milliseconds between scheduled snapshots of a token, or null when SNAPSHOT_EVERY=off. */
  snapshotEvery: number | null;
  /** Milliseconds a scan's lease lasts unless renewed. */
  snapshotLease: number;
  /** The embed pages' CSP frame-ancestors, from EMBED_ORIGINS. */
  embedAncestors: string;
  /** Milliseconds a poll's share card is kept before it is drawn again (POLL_CARD_TTL, given in seconds). */
  pollCardTtlMs: number;
  /** Live-result streams: how many, for how long, and what a refused page does instead. */
  streams: StreamConfig;
  /** Comment and report limits per client network (COMMENT_NETWORK_*, REPORT_NETWORK_PER_MINUTE); 0 is off. */
  networkLimits: NetworkLimits;
}

/** Limits per client network, beside each wallet's own (see src/lib/comments/network.server.ts). */
export interface NetworkLimits {
  commentsPerMinute: number;
  commentsPerDay: number;
  /** Wallets a day that may post their first comment on the site. */
  newWalletsPerDay: number;
  reportsPerMinute: number;
}

export interface StreamConfig {
  /** Streams in all (MAX_STREAMS); null: half the open-file limit, which only the running process knows. */
  max: number | null;
  /** Streams one client (IPv4 address, IPv6 /64) may hold (MAX_STREAMS_PER_CLIENT). */
  perClient: number;
  /** Milliseconds before the server ends a stream with a reconnect hint (STREAM_LIFETIME). */
  lifetimeMs: number;
  /** Milliseconds between a refused page's re-reads (STREAM_FALLBACK_EVERY). */
  fallbackEveryMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DATABASE_URL_SCHEMES = ['file:', 'http:', 'https:', 'libsql:', 'ws:', 'wss:'];

/** Values as astro:env hands them over (already type-checked field by field). */
export interface EnvValues {
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN?: string | undefined;
  SITE_URL?: string | undefined;
  VOTE_RATE_LIMIT: number;
  VERIFY_RATE_LIMIT: number;
  CSV_RATE_LIMIT: number;
  SIWE_CHAIN_IDS: string;
  RPC_URL_1?: string | undefined;
  RPC_URL_8453?: string | undefined;
  RPC_URL_31337?: string | undefined;
  ADMIN_ADDRESSES: string;
  TRUSTED_PROXIES: string;
  DEMO: 'on' | 'off';
  SNAPSHOT_EVERY: string;
  SNAPSHOT_LEASE: string;
  EMBED_ORIGINS: string;
  POLL_CARD_TTL: number;
  MAX_STREAMS_PER_CLIENT: number;
  MAX_STREAMS?: number | undefined;
  STREAM_LIFETIME: string;
  STREAM_FALLBACK_EVERY: string;
  COMMENT_NETWORK_PER_MINUTE: number;
  COMMENT_NETWORK_PER_DAY: number;
  COMMENT_NETWORK_NEW_WALLETS: number;
  REPORT_NETWORK_PER_MINUTE: number;
}

/** EMBED_ORIGINS → the embed page's frame-ancestors: `*`, or this site and the origins listed; or the bad entries. */
export function parseEmbedOrigins(text: string): { ancestors: string } | { problem: string } {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return { ancestors: '*' };
  const bad = entries.filter((e) => {
    try {
      const url = new URL(e);
      return !['http:', 'https:'].includes(url.protocol) || url.origin !== e.replace(/\/$/, '');
    } catch {
      return true;
    }
  });
  if (bad.length > 0)
    return { problem: `${bad.join(', ')} ${bad.length === 1 ? 'is not an origin' : 'are not origins'}` };
  return { ancestors: ["'self'", ...entries.map((e) => e.replace(/\/$/, ''))].join(' ') };
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `6h`, `90m`, `30s`, `1d` → milliseconds; `off` → null; anything else → a reason. */
export function parseInterval(text: string): number | null | { problem: string } {
  if (text === 'off') return null;
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0) : 0;
  if (!match || ms <= 0) return { problem: 'must be a duration such as 6h, 30m, 90s or 1d, or off' };
  return ms;
}

/**
 * JSON-RPC URLs by chain id from every `RPC_URL_<chainId>` variable, declared
 * in the env schema or not, so a token on any chain needs only its variable.
 */
export function rpcUrlsFrom(env: Readonly<Record<string, unknown>>, problems: string[]): Record<number, string> {
  const urls: Record<number, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^RPC_URL_(\d+)$/.exec(key);
    if (!match || typeof value !== 'string' || value === '') continue;
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      problems.push(`${key} must be an http(s) or ws(s) URL`);
      continue;
    }
    urls[Number(match[1])] = value;
  }
  return urls;
}

/**
 * Applies the rules between and inside variables; problems are listed by
 * variable name. `raw` is the whole environment, for the RPC_URL_<chainId>
 * variables the schema does not declare.
 */
export function toServerConfig(
  values: EnvValues,
  problems: string[] = [],
  raw: Readonly<Record<string, unknown>> = {},
): ServerConfig {
  if (!DATABASE_URL_SCHEMES.some((scheme) => values.DATABASE_URL.startsWith(scheme))) {
    problems.push(
      `DATABASE_URL=${JSON.stringify(values.DATABASE_URL)} must start with one of ${DATABASE_URL_SCHEMES.join(' ')}`,
    );
  }
  const siweChainIds = values.SIWE_CHAIN_IDS.split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map(Number);
  if (siweChainIds.length === 0 || siweChainIds.some((n) => !Number.isInteger(n) || n <= 0)) {
    problems.push(
      `SIWE_CHAIN_IDS=${JSON.stringify(values.SIWE_CHAIN_IDS)} must be a comma-separated list of chain ids`,
    );
  }
  const adminAddresses = values.ADMIN_ADDRESSES.split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (adminAddresses.some((a) => !/^0x[0-9a-f]{40}$/.test(a))) {
    problems.push('ADMIN_ADDRESSES must be a comma-separated list of 0x addresses');
  }
  const rpcUrls = rpcUrlsFrom({ ...raw, ...values }, problems);
  const every = parseInterval(values.SNAPSHOT_EVERY);
  if (typeof every === 'object' && every !== null)
    problems.push(`SNAPSHOT_EVERY=${values.SNAPSHOT_EVERY} ${every.problem}`);
  const lease = parseInterval(values.SNAPSHOT_LEASE);
  if (typeof lease !== 'number')
    problems.push(`SNAPSHOT_LEASE=${values.SNAPSHOT_LEASE} must be a duration such as 60s`);
  const embed = parseEmbedOrigins(values.EMBED_ORIGINS);
  if ('problem' in embed) problems.push(`EMBED_ORIGINS: ${embed.problem}`);
  const trusted = parseTrustedProxies(values.TRUSTED_PROXIES);
  problems.push(...trusted.problems);
  const streams = streamConfig(values, problems);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return {
    databaseUrl: values.DATABASE_URL,
    databaseAuthToken: values.DATABASE_AUTH_TOKEN ?? null,
    siteUrl: values.SITE_URL ?? null,
    voteRateLimit: values.VOTE_RATE_LIMIT,
    verifyRateLimit: values.VERIFY_RATE_LIMIT,
    csvRateLimit: values.CSV_RATE_LIMIT,
    siweChainIds,
    rpcUrls,
    adminAddresses,
    trustedProxies: trusted.proxies,
    demo: values.DEMO === 'on',
    snapshotEvery: typeof every === 'number' ? every : null,
    snapshotLease: typeof lease === 'number' ? lease : 60_000,
    embedAncestors: 'ancestors' in embed ? embed.ancestors : "'self'",
    pollCardTtlMs: values.POLL_CARD_TTL * 1000,
    networkLimits: {
      commentsPerMinute: values.COMMENT_NETWORK_PER_MINUTE,
      commentsPerDay: values.COMMENT_NETWORK_PER_DAY,
      newWalletsPerDay: values.COMMENT_NETWORK_NEW_WALLETS,
      reportsPerMinute: values.REPORT_NETWORK_PER_MINUTE,
    },
    streams,
  };
}

/** The live-stream settings, checked: durations that are durations, and no client allowed more than everyone. */
function streamConfig(values: EnvValues, problems: string[]): StreamConfig {
  const lifetime = parseInterval(values.STREAM_LIFETIME);
  if (typeof lifetime !== 'number')
    problems.push(`STREAM_LIFETIME=${values.STREAM_LIFETIME} must be a duration such as 15m`);
  const fallback = parseInterval(values.STREAM_FALLBACK_EVERY);
  if (typeof fallback !== 'number')
    problems.push(`STREAM_FALLBACK_EVERY=${values.STREAM_FALLBACK_EVERY} must be a duration such as 30s`);
  const max = values.MAX_STREAMS ?? null;
  if (max !== null && values.MAX_STREAMS_PER_CLIENT > max) {
    problems.push(`MAX_STREAMS_PER_CLIENT=${values.MAX_STREAMS_PER_CLIENT} is more than MAX_STREAMS=${max}`);
  }
  return {
    max,
    perClient: values.MAX_STREAMS_PER_CLIENT,
    lifetimeMs: typeof lifetime === 'number' ? lifetime : 15 * 60_000,
    fallbackEveryMs: typeof fallback === 'number' ? fallback : 30_000,
  };
}
