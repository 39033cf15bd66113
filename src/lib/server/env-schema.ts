import type { envField as astroEnvField } from 'astro/config';

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
  /** Addresses that may hide any comment, comma-separated. */
  ADMIN_ADDRESSES: envField.string({ context: 'server', access: 'secret', default: '' }),
  /**
   * Proxies (IPs or CIDR ranges, comma-separated) whose X-Forwarded-For and
   * X-Forwarded-Proto are believed, e.g. `127.0.0.1` for nginx on the same host.
   * Empty: the TCP peer is the client.
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
