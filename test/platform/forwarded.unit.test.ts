import { describe, expect, it } from 'vitest';
import {
  clientBucket,
  clientOrigin,
  parseTrustedProxies,
  type ForwardedInput,
} from '../../src/lib/platform/http/forwarded.ts';

const { proxies } = parseTrustedProxies('127.0.0.1, ::1, 10.0.0.0/8, fd00::/8');
const none = parseTrustedProxies('').proxies;

function input(overrides: Partial<ForwardedInput>): ForwardedInput {
  return {
    socketAddress: '127.0.0.1',
    encrypted: false,
    forwardedFor: undefined,
    forwardedProto: undefined,
    ...overrides,
  };
}

describe('parseTrustedProxies', () => {
  it.each([['127.0.0.1'], ['::1'], ['10.0.0.0/8'], ['fd00::/8'], ['::ffff:192.168.1.1'], [' 1.2.3.4 , 5.6.7.0/24 ']])(
    'accepts %j',
    (value) => {
      expect(parseTrustedProxies(value).problems).toEqual([]);
    },
  );

  it.each([['nginx'], ['10.0.0.0/33'], ['10.0.0.0/x'], ['::1/129'], ['1.2.3.4/8/8'], ['1.2.3']])(
    'rejects %j naming the entry',
    (value) => {
      expect(parseTrustedProxies(value).problems).toEqual([
        `TRUSTED_PROXIES entry ${JSON.stringify(value)} is not an IP address or CIDR range`,
      ]);
    },
  );
});

describe('clientOrigin', () => {
  it.each<[string, Partial<ForwardedInput>, string]>([
    ['a direct client is its socket', { socketAddress: '203.0.113.9' }, '203.0.113.9'],
    [
      'a direct client cannot forge X-Forwarded-For',
      { socketAddress: '203.0.113.9', forwardedFor: '198.51.100.1' },
      '203.0.113.9',
    ],
    ['a trusted proxy forwards the client', { forwardedFor: '203.0.113.9' }, '203.0.113.9'],
    [
      'a forged entry left of the proxy-appended one is ignored',
      { forwardedFor: '198.51.100.1, 203.0.113.9' },
      '203.0.113.9',
    ],
    ['a chain of trusted proxies is walked', { forwardedFor: '203.0.113.9, 10.1.2.3, 10.9.9.9' }, '203.0.113.9'],
    ['header lines are joined in order', { forwardedFor: ['198.51.100.1', '203.0.113.9'] }, '203.0.113.9'],
    ['a trusted proxy with no header is the client', {}, '127.0.0.1'],
    [
      'IPv4-mapped IPv6 is the IPv4 address',
      { socketAddress: '::ffff:127.0.0.1', forwardedFor: '203.0.113.9' },
      '203.0.113.9',
    ],
    ['IPv6 proxies and clients', { socketAddress: '::1', forwardedFor: '2001:db8::7' }, '2001:db8::7'],
    ['garbage stops at the last address vouched for', { forwardedFor: '203.0.113.9, not-an-ip' }, '127.0.0.1'],
    ['every hop trusted: the leftmost', { forwardedFor: '10.0.0.1, 10.0.0.2' }, '10.0.0.1'],
    ['no socket address', { socketAddress: undefined }, 'unknown'],
  ])('%s', (_name, overrides, expected) => {
    expect(clientOrigin(input(overrides), proxies).address).toBe(expected);
  });

  it('trusts nobody by default', () => {
    expect(clientOrigin(input({ forwardedFor: '203.0.113.9' }), none).address).toBe('127.0.0.1');
  });

  it.each<[string, Partial<ForwardedInput>, ReturnType<typeof parseTrustedProxies>['proxies'], boolean]>([
    ['TLS socket', { socketAddress: '203.0.113.9', encrypted: true }, proxies, true],
    ['trusted proxy says https', { forwardedProto: 'https' }, proxies, true],
    ['trusted proxy says http over its TLS', { encrypted: true, forwardedProto: 'http' }, proxies, false],
    ['the nearest proxy decides', { forwardedProto: 'http, https' }, proxies, true],
    ['untrusted peer cannot claim https', { socketAddress: '203.0.113.9', forwardedProto: 'https' }, proxies, false],
    ['nobody trusted', { forwardedProto: 'https' }, none, false],
  ])('secure: %s', (_name, overrides, trusted, expected) => {
    expect(clientOrigin(input(overrides), trusted).secure).toBe(expected);
  });
});

describe('clientBucket', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:7', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:0:0:0:1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:0:198.51.100.1', '0:0:0:0::/64'],
    ['1::2:3:4:5.6.7.8', '1:0:0:2::/64'],
    ['unknown', 'unknown'],
  ])('%s is counted as %s', (address, bucket) => {
    expect(clientBucket(address)).toBe(bucket);
  });

  it('puts every address of one /64 in one bucket, and the next /64 in another', () => {
    const one = ['2001:db8:5:6::1', '2001:db8:5:6:ffff:ffff:ffff:ffff', '2001:db8:5:6:1234::'].map(clientBucket);
    expect(new Set(one).size).toBe(1);
    expect(clientBucket('2001:db8:5:7::1')).not.toBe(one[0]);
  });
});
