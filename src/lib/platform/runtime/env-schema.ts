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
