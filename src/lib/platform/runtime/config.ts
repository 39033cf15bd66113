import type { envField as astroEnvField } from 'astro/config';
import { getEnvFieldType, validateEnvVariable } from 'astro/env/runtime';
import type { BlockList } from 'node:net';
import { parseTrustedProxies } from '../http/forwarded.ts';

/**
 * The site's configuration, in one place: the environment variables (ENV_SCHEMA,
 * which astro.config.mjs hands to `astro:env`), the rules between them and the
 * typed value the code uses (toServerConfig → ServerConfig), and the readers for
 * code outside Astro's bundle (readServerConfig for scripts/serve.ts and the
 * CLI scripts, readDemo and readSiteUrl for the build). No I/O: the environment
 * is passed in. Astro's bundle gets the same values from `astro:env`
 * (src/app/app.server.ts) and applies the same toServerConfig. `astro:env`
 * takes the schema as an object in astro.config.mjs, so it needs no file of
 * its own.
 */

/**
 * Astro's `envField`, which only tags each option object with its type. The
 * server reads this schema at start-up, and importing `astro/config` for it
 * would load Astro's whole build tool chain (vite, shiki, …: about 70 MB
 * resident on its own, 37 MB more in the server); the type keeps the shapes Astro's.
 */
const envField: typeof astroEnvField = {
  string: (options) => ({ ...options, type: 'string' }),
  number: (options) => ({ ...options, type: 'number' }),
  boolean: (options) => ({ ...options, type: 'boolean' }),
  enum: (options) => ({ ...options, type: 'enum' }),
};

/**
 * The one description of the site's configuration. astro.config.mjs hands it to
 * `astro:env`, and scripts/serve.ts validates the process environment against
 * it before the server accepts a request, so a bad value stops start-up.
 *
 * Everything is `access: 'secret'` because Astro inlines public server
 * variables at build time; these must be read when the server starts.
 */
export const ENV_SCHEMA = {
  DATABASE_URL: envField.string({
    context: 'server',
    access: 'secret',
    default: 'file:data/app.db',
  }),
  DATABASE_AUTH_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
  /**
   * The origin readers use, e.g. `https://desk.example`: the only Host that writes (sign-in, votes, comments,
   * admin) are taken for (others get 421), the domain sign-in messages must name, and the origin of every
   * absolute URL. The build writes it into its static pages and records it in dist/build-info.json; a server
   * started with another refuses (a build made without one is served, with a notice, outside production). Unset:
   * local mode, on a loopback HOST only (localhost, 127.0.0.1 and [::1] on
   * the port listened on); start-up stops without it when HOST is not loopback (a phone on the LAN needs
   * `http://<lan-address>:4321`), when TRUSTED_PROXIES is set, or when NODE_ENV=production.
   */
  SITE_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  /** Votes a minute one client address may cast; 0 turns the limit off (load tests, benchmarks). */
  VOTE_RATE_LIMIT: envField.number({ context: 'server', access: 'secret', default: 30, min: 0, int: true }),
  /** Sign-in attempts (POST /api/auth/verify) a minute per client network, counted before the body is read; 0: off. */
  VERIFY_RATE_LIMIT: envField.number({ context: 'server', access: 'secret', default: 20, min: 0, int: true }),
  /** CSV downloads (cohorts, ballots, track record, snapshots) a minute per client network; 0 turns the limit off. */
  CSV_RATE_LIMIT: envField.number({ context: 'server', access: 'secret', default: 30, min: 0, int: true }),
  /** Chain ids accepted for Sign-In with Ethereum, comma-separated (Ethereum mainnet and Base by default). */
  SIWE_CHAIN_IDS: envField.string({ context: 'server', access: 'secret', default: '1,8453' }),
  /** JSON-RPC endpoints, for verifying smart-contract wallet signatures (ERC-1271/6492) per chain. */
  RPC_URL_1: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  RPC_URL_8453: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  /** A local development chain (Hardhat's, as npm run demo:chain starts), for sign-in tests and demos. */
  RPC_URL_31337: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  /**
   * How often the server snapshots each token that has an address and an
   * RPC_URL_<chainId>: a duration (6h, 30m, 90s, 1d) or `off`.
   */
  SNAPSHOT_EVERY: envField.string({ context: 'server', access: 'secret', default: '6h' }),
  /** How long a scanning instance's lease lasts unless renewed; another instance takes over once it lapses. */
  SNAPSHOT_LEASE: envField.string({ context: 'server', access: 'secret', default: '60s' }),
  /**
   * Origins that may frame the poll embed pages (/polls/<id>/embed/), comma-separated, e.g.
   * `https://example.com,https://blog.example.org`; `*` (the default) lets any site. Other pages stay framed only by
   * this site.
   */
  EMBED_ORIGINS: envField.string({ context: 'server', access: 'secret', default: '*' }),
  /**
   * Seconds a poll's share card (/polls/<id>/card.png) is kept before it is drawn again with the current
   * counts; also how long clients and shared caches may keep it. 0 draws it on every request.
   */
  POLL_CARD_TTL: envField.number({ context: 'server', access: 'secret', default: 60, min: 0, int: true }),
  /**
   * How long the process that draws poll cards waits for the next card before it exits (a duration: 5s, 1m).
   * It holds the card fonts and the renderer, over 100 MB, which the server gives back while no card is drawn.
   */
  CARD_DRAWER_IDLE: envField.string({ context: 'server', access: 'secret', default: '5s' }),
  /**
   * Live-result streams (SSE) one client may hold at once, counted by IPv4 address or IPv6 /64 as rate limits
   * are; readers behind one NAT share them. Over it a stream is refused with 429 and the page re-reads instead.
   */
  MAX_STREAMS_PER_CLIENT: envField.number({ context: 'server', access: 'secret', default: 16, min: 1, int: true }),
  /**
   * Live-result streams the process holds in all; over it, 503. Unset: half the process's open-file limit
   * (`ulimit -n`, read at start), so ordinary requests, the database and files keep the other half.
   */
  MAX_STREAMS: envField.number({ context: 'server', access: 'secret', optional: true, min: 1, int: true }),
  /**
   * How long a live stream lasts before the server ends it with a reconnect hint (`retry:`), plus up to a
   * fifteenth more at random (0-60 s at the default), so a stream's connection is never held for ever.
   */
  STREAM_LIFETIME: envField.string({ context: 'server', access: 'secret', default: '15m' }),
  /** How often a page refused a live stream re-reads its polls instead (sent in the refusal as `refreshEvery`). */
  STREAM_FALLBACK_EVERY: envField.string({ context: 'server', access: 'secret', default: '30s' }),
  /**
   * Limits per client network (an IPv4 address or an IPv6 /64; everyone behind one NAT shares them), beside each
   * wallet's own: comments a minute, comments a day, wallets a day posting their first comment, reports a minute.
   * 0 turns one off.
   */
  COMMENT_NETWORK_PER_MINUTE: envField.number({ context: 'server', access: 'secret', default: 20, min: 0, int: true }),
  COMMENT_NETWORK_PER_DAY: envField.number({ context: 'server', access: 'secret', default: 300, min: 0, int: true }),
  COMMENT_NETWORK_NEW_WALLETS: envField.number({ context: 'server', access: 'secret', default: 5, min: 0, int: true }),
  REPORT_NETWORK_PER_MINUTE: envField.number({ context: 'server', access: 'secret', default: 30, min: 0, int: true }),
  /** Addresses that may hide any comment, comma-separated. */
  ADMIN_ADDRESSES: envField.string({ context: 'server', access: 'secret', default: '' }),
  /**
   * Proxies (IPs or CIDR ranges, comma-separated) whose X-Forwarded-For and
   * X-Forwarded-Proto are believed, e.g. `127.0.0.1` for nginx on the same host.
   * Empty: the TCP peer is the client. Setting it needs SITE_URL.
   */
  TRUSTED_PROXIES: envField.string({ context: 'server', access: 'secret', default: '' }),
  /**
   * `off` hides the simulated demo (the OPGSIM token, its post, poll and data).
   * Static pages are built with or without it, so the build reads it too and
   * the server refuses to start with a value other than the build's.
   */
  DEMO: envField.enum({ context: 'server', access: 'secret', values: ['on', 'off'], default: 'on' }),
};

export type EnvKey = keyof typeof ENV_SCHEMA;

/** The configuration once every variable has passed its field rules and the rules between them. */
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
  /** CONFIRMATIONS_<chainId>: blocks ingestion stays behind the head, where set (chain/confirmations.ts has the defaults). */
  confirmations: Record<number, number>;
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
  /** Milliseconds the card drawer process waits for another card before it exits (CARD_DRAWER_IDLE). */
  cardDrawerIdleMs: number;
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
  CARD_DRAWER_IDLE: string;
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

/** Blocks to stay behind the head by chain id, from every `CONFIRMATIONS_<chainId>` variable (whole numbers). */
export function confirmationsFrom(env: Readonly<Record<string, unknown>>, problems: string[]): Record<number, number> {
  const depths: Record<number, number> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^CONFIRMATIONS_(\d+)$/.exec(key);
    if (!match || typeof value !== 'string' || value === '') continue;
    if (!/^\d{1,4}$/.test(value.trim())) {
      problems.push(`${key}=${value} must be a whole number of blocks (0 to 9999)`);
      continue;
    }
    depths[Number(match[1])] = Number(value.trim());
  }
  return depths;
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
  const confirmations = confirmationsFrom({ ...raw, ...values }, problems);
  const every = parseInterval(values.SNAPSHOT_EVERY);
  if (typeof every === 'object' && every !== null)
    problems.push(`SNAPSHOT_EVERY=${values.SNAPSHOT_EVERY} ${every.problem}`);
  const lease = parseInterval(values.SNAPSHOT_LEASE);
  if (typeof lease !== 'number')
    problems.push(`SNAPSHOT_LEASE=${values.SNAPSHOT_LEASE} must be a duration such as 60s`);
  const drawerIdle = parseInterval(values.CARD_DRAWER_IDLE);
  if (typeof drawerIdle !== 'number')
    problems.push(`CARD_DRAWER_IDLE=${values.CARD_DRAWER_IDLE} must be a duration such as 5s`);
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
    confirmations,
    adminAddresses,
    trustedProxies: trusted.proxies,
    demo: values.DEMO === 'on',
    snapshotEvery: typeof every === 'number' ? every : null,
    snapshotLease: typeof lease === 'number' ? lease : 60_000,
    embedAncestors: 'ancestors' in embed ? embed.ancestors : "'self'",
    pollCardTtlMs: values.POLL_CARD_TTL * 1000,
    cardDrawerIdleMs: typeof drawerIdle === 'number' ? drawerIdle : 5_000,
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

/** One variable checked with astro:env's own field rules; a problem names it. */
function readField(
  env: Record<string, string | undefined>,
  key: EnvKey,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const field = ENV_SCHEMA[key];
  const raw = env[key] === '' ? undefined : env[key];
  const result = validateEnvVariable(raw, field);
  if (result.ok) return { ok: true, value: result.value };
  if (result.errors[0] === 'missing') return { ok: false, problem: `${key} is missing` };
  if (result.errors[0] === 'type')
    return { ok: false, problem: `${key} has the wrong type, expected ${getEnvFieldType(field)}` };
  return { ok: false, problem: `${key}=${JSON.stringify(raw)} does not satisfy: ${result.errors.join(', ')}` };
}

/**
 * Validates a process environment with astro:env's own field rules (the
 * schema astro.config hands to Astro), then the cross-field rules. For
 * scripts outside Astro's bundle; the bundle gets the same values from
 * astro:env. Throws a ConfigError naming every offending variable.
 */
export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const problems: string[] = [];
  const values: Partial<Record<EnvKey, unknown>> = {};
  for (const key of Object.keys(ENV_SCHEMA) as EnvKey[]) {
    const field = readField(env, key);
    if (field.ok) values[key] = field.value;
    else problems.push(field.problem);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return toServerConfig(values as unknown as EnvValues, problems, env);
}

/**
 * DEMO alone, for the build (content collections and astro.config), which
 * decides whether the static pages carry the demo; the server reads the same
 * field in readServerConfig.
 */
export function readDemo(env: Record<string, string | undefined>): boolean {
  const field = readField(env, 'DEMO');
  if (!field.ok) throw new ConfigError(`Invalid configuration: ${field.problem}`);
  return field.value === 'on';
}

/**
 * SITE_URL's origin alone, or null when it is not set, for the build: its
 * static pages carry it, and dist/build-info.json records it for the server
 * to compare (site-origin.ts, checkBuildSite).
 */
export function readSiteUrl(env: Record<string, string | undefined>): string | null {
  const field = readField(env, 'SITE_URL');
  if (!field.ok) throw new ConfigError(`Invalid configuration: ${field.problem}`);
  return typeof field.value === 'string' ? new URL(field.value).origin : null;
}
