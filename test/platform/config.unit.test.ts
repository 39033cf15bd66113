import { describe, expect, it } from 'vitest';
import { confirmationsFor } from '../../src/lib/chain/confirmations.ts';
import { readServerConfig } from '../../src/lib/platform/runtime/config.ts';

describe('readServerConfig', () => {
  it('defaults to the embedded database file', () => {
    const { trustedProxies, ...rest } = readServerConfig({});
    expect(trustedProxies.rules).toEqual([]);
    expect(rest).toEqual({
      databaseUrl: 'file:data/app.db',
      databaseAuthToken: null,
      siteUrl: null,
      voteRateLimit: 30,
      verifyRateLimit: 20,
      csvRateLimit: 30,
      siweChainIds: [1, 8453],
      rpcUrls: {},
      confirmations: {},
      adminAddresses: [],
      demo: true,
      snapshotEvery: 6 * 3_600_000,
      snapshotLease: 60_000,
      embedAncestors: '*',
      pollCardTtlMs: 60_000,
      cardDrawerIdleMs: 5_000,
      streams: { max: null, perClient: 16, lifetimeMs: 15 * 60_000, fallbackEveryMs: 30_000 },
      networkLimits: { commentsPerMinute: 20, commentsPerDay: 300, newWalletsPerDay: 5, reportsPerMinute: 30 },
    });
  });

  it('reads RPC_URL_<chainId> for any chain, declared in the schema or not', () => {
    const { rpcUrls } = readServerConfig({
      RPC_URL_1: 'https://eth.example/v1',
      RPC_URL_42161: 'https://arb.example/',
      RPC_URL_X: 'https://ignored.example/',
      RPC_URL_10: '',
    });
    expect(rpcUrls).toEqual({ 1: 'https://eth.example/v1', 42161: 'https://arb.example/' });
  });

  it('reads CONFIRMATIONS_<chainId> for any chain; a chain without one gets 12, the local chain 0', () => {
    const { confirmations } = readServerConfig({
      CONFIRMATIONS_1: '64',
      CONFIRMATIONS_8453: ' 5 ',
      CONFIRMATIONS_X: '3',
    });
    expect(confirmations).toEqual({ 1: 64, 8453: 5 });
    expect([1, 8453, 56, 31337].map((chain) => confirmationsFor(confirmations, chain))).toEqual([64, 5, 12, 0]);
    expect(confirmationsFor(readServerConfig({ CONFIRMATIONS_31337: '2' }).confirmations, 31337)).toBe(2);
  });

  it('reads CARD_DRAWER_IDLE as a duration', () => {
    expect(readServerConfig({ CARD_DRAWER_IDLE: '30s' }).cardDrawerIdleMs).toBe(30_000);
    expect(readServerConfig({ CARD_DRAWER_IDLE: '2m' }).cardDrawerIdleMs).toBe(120_000);
  });

  it.each([['file:/tmp/x.db'], ['http://127.0.0.1:8080'], ['libsql://db-org.turso.io']])(
    'accepts DATABASE_URL=%s',
    (url) => {
      expect(readServerConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it.each([
    [{ DATABASE_URL: 'postgres://x' }, /DATABASE_URL.*must start with/],
    [{ SITE_URL: 'not a url' }, /SITE_URL.*url/],
    [{ VOTE_RATE_LIMIT: '-1' }, /VOTE_RATE_LIMIT.*min/],
    [{ VOTE_RATE_LIMIT: 'many' }, /VOTE_RATE_LIMIT.*type/],
    [{ VERIFY_RATE_LIMIT: '-1' }, /VERIFY_RATE_LIMIT.*min/],
    [{ CSV_RATE_LIMIT: '1.5' }, /CSV_RATE_LIMIT/],
    [{ SIWE_CHAIN_IDS: '1,abc' }, /SIWE_CHAIN_IDS/],
    [{ ADMIN_ADDRESSES: '0x123' }, /ADMIN_ADDRESSES/],
    [{ RPC_URL_1: 'nope' }, /RPC_URL_1/],
    [{ RPC_URL_42161: 'ftp://rpc.example' }, /RPC_URL_42161 must be an http\(s\) or ws\(s\) URL/],
    [{ CONFIRMATIONS_1: 'twelve' }, /CONFIRMATIONS_1=twelve must be a whole number of blocks \(0 to 9999\)/],
    [{ CONFIRMATIONS_1: '-1' }, /CONFIRMATIONS_1=-1 must be a whole number/],
    [{ TRUSTED_PROXIES: '127.0.0.1,nginx' }, /TRUSTED_PROXIES entry "nginx"/],
    [{ DEMO: 'no' }, /DEMO.*on/],
    [{ SNAPSHOT_EVERY: '6 hours' }, /SNAPSHOT_EVERY=6 hours must be a duration such as 6h/],
    [{ SNAPSHOT_LEASE: 'off' }, /SNAPSHOT_LEASE=off must be a duration/],
    [{ EMBED_ORIGINS: 'https://a.example,example.org' }, /EMBED_ORIGINS: example.org is not an origin/],
    [{ POLL_CARD_TTL: '-1' }, /POLL_CARD_TTL.*min/],
    [{ COMMENT_NETWORK_PER_MINUTE: '-1' }, /COMMENT_NETWORK_PER_MINUTE.*min/],
    [{ COMMENT_NETWORK_NEW_WALLETS: 'five' }, /COMMENT_NETWORK_NEW_WALLETS.*type/],
    [{ REPORT_NETWORK_PER_MINUTE: '2.5' }, /REPORT_NETWORK_PER_MINUTE/],
    [{ POLL_CARD_TTL: '1.5' }, /POLL_CARD_TTL/],
    [{ EMBED_ORIGINS: 'https://a.example/path' }, /EMBED_ORIGINS: https:\/\/a.example\/path is not an origin/],
    [{ MAX_STREAMS_PER_CLIENT: '0' }, /MAX_STREAMS_PER_CLIENT.*min/],
    [{ MAX_STREAMS: '2.5' }, /MAX_STREAMS/],
    [{ MAX_STREAMS: '8' }, /MAX_STREAMS_PER_CLIENT=16 is more than MAX_STREAMS=8/],
    [{ STREAM_LIFETIME: 'off' }, /STREAM_LIFETIME=off must be a duration/],
    [{ STREAM_FALLBACK_EVERY: '30' }, /STREAM_FALLBACK_EVERY=30 must be a duration/],
    [{ CARD_DRAWER_IDLE: 'off' }, /CARD_DRAWER_IDLE=off must be a duration such as 5s/],
    [{ CARD_DRAWER_IDLE: '500ms' }, /CARD_DRAWER_IDLE=500ms must be a duration/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => readServerConfig(env)).toThrow(message);
  });
});
