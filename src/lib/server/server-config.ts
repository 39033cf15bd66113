import type { BlockList } from 'node:net';
import { parseTrustedProxies } from './forwarded.ts';
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
  siweChainIds: number[];
  /** chain id -> JSON-RPC URL */
  rpcUrls: Record<number, string>;
  /** Lower-cased addresses. */
  adminAddresses: string[];
  /** Peers whose forwarding headers are believed. */
  trustedProxies: BlockList;
  /** The simulated demo is shown (DEMO=on, the default). */
  demo: boolean;
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
  SIWE_CHAIN_IDS: string;
  RPC_URL_1?: string | undefined;
  RPC_URL_8453?: string | undefined;
  RPC_URL_31337?: string | undefined;
  ADMIN_ADDRESSES: string;
  TRUSTED_PROXIES: string;
  DEMO: 'on' | 'off';
}

/** Applies the rules between and inside variables; problems are listed by variable name. */
export function toServerConfig(values: EnvValues, problems: string[] = []): ServerConfig {
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
  const rpcUrls: Record<number, string> = {};
  if (values.RPC_URL_1) rpcUrls[1] = values.RPC_URL_1;
  if (values.RPC_URL_8453) rpcUrls[8453] = values.RPC_URL_8453;
  if (values.RPC_URL_31337) rpcUrls[31337] = values.RPC_URL_31337;
  const trusted = parseTrustedProxies(values.TRUSTED_PROXIES);
  problems.push(...trusted.problems);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return {
    databaseUrl: values.DATABASE_URL,
    databaseAuthToken: values.DATABASE_AUTH_TOKEN ?? null,
    siteUrl: values.SITE_URL ?? null,
    voteRateLimit: values.VOTE_RATE_LIMIT,
    siweChainIds,
    rpcUrls,
    adminAddresses,
    trustedProxies: trusted.proxies,
    demo: values.DEMO === 'on',
  };
}
