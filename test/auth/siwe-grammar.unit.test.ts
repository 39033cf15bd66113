import fc from 'fast-check';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { checkSiweMessage } from '../../src/lib/auth/siwe.ts';
import { parseRfc3339DateTime, parseSignInMessage, type SiweFields } from '../../src/lib/auth/siwe-grammar.ts';
import { isRfc3986Authority, isRfc3986Uri } from '../../src/lib/platform/http/uri-grammar.ts';
import { CONFORMANT, NON_CONFORMANT, type SiweCaseContext } from '../fixtures/siwe-cases.ts';
import { assembleSiwe, rfc3339 } from '../helpers/siwe-abnf.ts';

// Hardhat's second development key: fixed, public, never used off a test chain.
const ACCOUNT = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const ctx: SiweCaseContext = {
  host: '127.0.0.1:4321',
  origin: 'http://127.0.0.1:4321',
  address: ACCOUNT.address,
  nonce: 'abcdefgh234567',
  now: new Date(),
};
const site = { origin: ctx.origin, chainIds: [1, 8453], now: ctx.now };

function fieldsOf(text: string): SiweFields {
  const parsed = parseSignInMessage(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.fields;
}

describe('parseSignInMessage: conformant messages', () => {
  it('has at least 30 of them', () => expect(CONFORMANT.length).toBeGreaterThanOrEqual(30));

  it.each(CONFORMANT.map((c) => [c.name, c] as const))('accepts %s, and the site checks pass', (_name, c) => {
    const parsed = parseSignInMessage(c.build(ctx));
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) expect(checkSiweMessage(parsed.fields, site)).toBeNull();
  });

  it('reads every field of the spec’s own example (with a scheme and a port)', () => {
    const text = [
      'https://example.com:3388 wants you to sign in with your Ethereum account:',
      '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      '',
      'I accept the ExampleOrg Terms of Service: https://example.com/tos',
      '',
      'URI: https://example.com/login',
      'Version: 1',
      'Chain ID: 1',
      'Nonce: 32891756',
      'Issued At: 2021-09-30T16:25:24Z',
      'Expiration Time: 2021-09-30T18:25:24.5+02:00',
      'Not Before: 2021-09-30T16:20:00Z',
      'Request ID: 7e9f',
      'Resources:',
      '- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
      '- https://example.com/my-web2-claim.json',
    ].join('\n');
    expect(fieldsOf(text)).toEqual({
      scheme: 'https',
      domain: 'example.com:3388',
      address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
      statement: 'I accept the ExampleOrg Terms of Service: https://example.com/tos',
      uri: 'https://example.com/login',
      version: '1',
      chainId: 1n,
      nonce: '32891756',
      issuedAt: new Date('2021-09-30T16:25:24Z'),
      expirationTime: new Date('2021-09-30T16:25:24.500Z'),
      notBefore: new Date('2021-09-30T16:20:00Z'),
      requestId: '7e9f',
      resources: [
        'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
        'https://example.com/my-web2-claim.json',
      ],
    });
  });

  it('tells no statement (null) from an empty one (""), and no Resources line (null) from an empty list', () => {
    const base = { domain: 'example.com', address: ACCOUNT.address, uri: 'https://example.com', nonce: 'abcdefgh' };
    const none = fieldsOf(assembleSiwe({ ...base, issuedAt: '2021-09-30T16:25:24Z' }));
    expect([none.statement, none.resources]).toEqual([null, null]);
    const empty = fieldsOf(assembleSiwe({ ...base, issuedAt: '2021-09-30T16:25:24Z', statement: '', resources: [] }));
    expect([empty.statement, empty.resources]).toEqual(['', []]);
  });

  it('reads a chain id beyond any JavaScript number exactly', () => {
    const text = assembleSiwe({
      domain: 'example.com',
      address: ACCOUNT.address,
      uri: 'https://example.com',
      nonce: 'abcdefgh',
      issuedAt: '2021-09-30T16:25:24Z',
      chainId: '123456789012345678901234567890',
    });
    expect(fieldsOf(text).chainId).toBe(123456789012345678901234567890n);
  });
});

describe('parseSignInMessage: non-conformant messages', () => {
  it('has at least 30 of them', () => expect(NON_CONFORMANT.length).toBeGreaterThanOrEqual(30));

  it.each(NON_CONFORMANT.map((c) => [c.name, c] as const))('refuses %s, naming the problem', (_name, c) => {
    const parsed = parseSignInMessage(c.build(ctx));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(c.problem);
  });

  it.each([
    ['an empty message', '', /line 1 should be/],
    [
      'only the first line',
      `example.com wants you to sign in with your Ethereum account:`,
      /line 2 should be the address/,
    ],
    [
      'only the header and address',
      `example.com wants you to sign in with your Ethereum account:\n${ACCOUNT.address}`,
      /line 3 should be empty, not the end of the message/,
    ],
    [
      'the header, address and an empty line',
      `example.com wants you to sign in with your Ethereum account:\n${ACCOUNT.address}\n`,
      /the message ends after line 3/,
    ],
  ])('refuses %s', (_name, text, problem) => {
    const parsed = parseSignInMessage(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe('parseRfc3339DateTime', () => {
  it.each([
    ['2021-09-30T16:25:24Z', '2021-09-30T16:25:24.000Z'],
    ['2021-09-30T16:25:24.123Z', '2021-09-30T16:25:24.123Z'],
    ['2021-09-30T16:25:24.123456789Z', '2021-09-30T16:25:24.123Z'],
    ['2021-09-30T16:25:24.5Z', '2021-09-30T16:25:24.500Z'],
    ['2021-09-30t16:25:24z', '2021-09-30T16:25:24.000Z'],
    ['1985-04-12T23:20:50.52Z', '1985-04-12T23:20:50.520Z'],
    ['1996-12-19T16:39:57-08:00', '1996-12-20T00:39:57.000Z'],
    ['1937-01-01T12:00:27.87+00:20', '1937-01-01T11:40:27.870Z'],
    ['2021-01-01T00:00:00-00:00', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01T00:00:00+14:00', '2020-12-31T10:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['0099-03-01T00:00:00Z', '0099-03-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    // Leap seconds count as the first second of the next day.
    ['1990-12-31T23:59:60Z', '1991-01-01T00:00:00.000Z'],
    ['1990-12-31T15:59:60-08:00', '1991-01-01T00:00:00.000Z'],
    ['2016-12-31T23:59:60.25Z', '2017-01-01T00:00:00.250Z'],
    ['2015-06-30T23:59:60Z', '2015-07-01T00:00:00.000Z'],
    ['2015-07-01T05:29:60+05:30', '2015-07-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    const parsed = parseRfc3339DateTime(text);
    expect(parsed.ok && parsed.instant.toISOString()).toBe(iso);
  });

  it.each([
    ['2023-02-29T00:00:00Z', /day 29 of February 2023, which has 28 days/],
    ['2100-02-29T00:00:00Z', /February 2100, which has 28 days/],
    ['2024-02-30T00:00:00Z', /day 30 of February 2024, which has 29 days/],
    ['2024-02-31T00:00:00Z', /day 31/],
    ['2024-06-31T00:00:00Z', /June 2024, which has 30 days/],
    ['2024-01-00T00:00:00Z', /day 00/],
    ['2024-00-10T00:00:00Z', /month 00/],
    ['2024-01-01T23:59:61Z', /second 61/],
    ['2016-12-31T23:58:60Z', /leap second/],
    ['2016-12-31T23:59:60+01:00', /leap second/],
    ['2016-06-29T23:59:60Z', /leap second/],
    ['2024-01-01T00:00:00+00:60', /offset out of range/],
    ['2024-01-01T00:00:00', /not an RFC 3339 date-time/],
    ['2024-01-01', /not an RFC 3339/],
    ['2024-1-01T00:00:00Z', /not an RFC 3339/],
    ['24-01-01T00:00:00Z', /not an RFC 3339/],
    ['2024-01-01T00:00Z', /not an RFC 3339/],
    ['2024-01-01T00:00:00.Z', /not an RFC 3339/],
    ['2024-01-01T00:00:00,5Z', /not an RFC 3339/],
    ['2024-01-01T00:00:00+0100', /not an RFC 3339/],
    ['2024-01-01T00:00:00+01', /not an RFC 3339/],
    ['2024-01-01 00:00:00Z', /not an RFC 3339/],
    ['2024-01-01T00:00:00Z ', /not an RFC 3339/],
    ['+02024-01-01T00:00:00Z', /not an RFC 3339/],
    ['２０２４-01-01T00:00:00Z', /not an RFC 3339/],
    ['Mon, 01 Jan 2024 00:00:00 GMT', /not an RFC 3339/],
  ])('refuses %s', (text, problem) => {
    const parsed = parseRfc3339DateTime(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('reads back any instant written in any offset, with or without fractions (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.constantFrom(0, 1, 3, 6),
        (date, offsetMinutes, fraction) => {
          const text = rfc3339(date, { offsetMinutes, fraction });
          const parsed = parseRfc3339DateTime(text);
          const expected =
            fraction >= 3 ? date.getTime() : date.getTime() - (date.getUTCMilliseconds() % 10 ** (3 - fraction));
          expect(parsed.ok && parsed.instant.getTime()).toBe(expected);
        },
      ),
    );
  });
});

describe('RFC 3986', () => {
  it.each([
    'https://example.com',
    'https://example.com/',
    'https://example.com/login?next=%2Fpolls&x=1#top',
    'http://127.0.0.1:4321/a/b/c',
    'http://[::1]:8080/',
    'http://[2001:db8::1]/',
    'http://[fe80::1:2:3:4]/',
    'http://[::ffff:192.0.2.1]/',
    'http://[v7.fe80::a+en1]/',
    'http://[V1F.x]/',
    'ftp://user:pa%20ss@ftp.example.com:21/file.txt',
    'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    'did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a',
    'ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/',
    'mailto:desk@example.com',
    'file:///etc/hosts',
    'a:',
    'x-y.z+w:/absolute/path',
    'https://example.com/?',
    'https://example.com/#',
    "https://example.com/!$&'()*+,;=:@",
  ])('accepts the URI %s', (uri) => expect(isRfc3986Uri(uri)).toBe(true));

  it.each([
    '/login',
    '//example.com/login',
    'example.com',
    '1http://example.com',
    'https://exa mple.com',
    'https://example.com/a b',
    'https://example.com/%zz',
    'https://example.com/%2',
    'https://example.com/<script>',
    'https://example.com/"',
    'https://example.com/a#b#c',
    'https://example.com:80a/',
    'http://[::1/',
    'http://[12345::1]/',
    'http://[1:2:3:4:5:6:7:8:9]/',
    'http://[::1]::80/',
    'https://example.com/é',
    'https://example.com/\\',
    'https://example.com/{x}',
    'https://example.com/^',
    '',
  ])('refuses the URI %s', (uri) => expect(isRfc3986Uri(uri)).toBe(false));

  it.each(['example.com', 'example.com:3388', 'localhost', '127.0.0.1:4321', '[::1]:80', 'user@host', 'host:', ''])(
    'accepts the authority %s',
    (authority) => expect(isRfc3986Authority(authority)).toBe(true),
  );

  it.each(['example.com/login', 'exa mple.com', 'host:port', 'a@b@c', '[::1', 'example.com?x', 'ex%ample.com'])(
    'refuses the authority %s',
    (authority) => expect(isRfc3986Authority(authority)).toBe(false),
  );
});

describe('parseSignInMessage round trip (property)', () => {
  const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
  const statementChar = fc.constantFrom(...":/?#[]@!$&'()*+,;=-._~ abcXYZ019".split(''));
  const pchar = fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@".split(''), '%2F', '%C3%A9');
  const instant = fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2999-12-31T00:00:00Z'),
    noInvalidDate: true,
  });

  it('parses back every field of any message the ABNF generates', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            scheme: fc.constantFrom('https', 'http', 'chrome-extension', 'a+b.c-d'),
            statement: fc.array(statementChar, { maxLength: 60 }).map((a) => a.join('')),
            chainId: fc.bigInt({ min: 0n, max: 2n ** 64n }),
            nonce: fc.array(alnum, { minLength: 8, maxLength: 32 }).map((a) => a.join('')),
            issuedAt: instant,
            expirationTime: instant,
            notBefore: instant,
            requestId: fc.array(pchar, { maxLength: 20 }).map((a) => a.join('')),
            resources: fc.array(fc.constantFrom('https://example.com/a?b=c#d', 'urn:x:y', 'ipfs://Qm/'), {
              maxLength: 4,
            }),
          },
          { requiredKeys: ['nonce', 'issuedAt', 'chainId'] },
        ),
        (p) => {
          const text = assembleSiwe({
            ...(p.scheme === undefined ? {} : { scheme: p.scheme }),
            domain: 'example.com:8443',
            address: ACCOUNT.address,
            ...(p.statement === undefined ? {} : { statement: p.statement }),
            uri: 'https://example.com/login',
            chainId: String(p.chainId),
            nonce: p.nonce,
            issuedAt: rfc3339(p.issuedAt),
            ...(p.expirationTime === undefined
              ? {}
              : { expirationTime: rfc3339(p.expirationTime, { offsetMinutes: 90 }) }),
            ...(p.notBefore === undefined ? {} : { notBefore: rfc3339(p.notBefore, { offsetMinutes: -330 }) }),
            ...(p.requestId === undefined ? {} : { requestId: p.requestId }),
            ...(p.resources === undefined ? {} : { resources: p.resources }),
          });
          expect(fieldsOf(text)).toEqual({
            scheme: p.scheme ?? null,
            domain: 'example.com:8443',
            address: ACCOUNT.address,
            statement: p.statement ?? null,
            uri: 'https://example.com/login',
            version: '1',
            chainId: p.chainId,
            nonce: p.nonce,
            issuedAt: p.issuedAt,
            expirationTime: p.expirationTime ?? null,
            notBefore: p.notBefore ?? null,
            requestId: p.requestId ?? null,
            resources: p.resources ?? null,
          });
        },
      ),
    );
  });

  it('refuses any message with one line dropped or two lines swapped, unless the result is still in the grammar', () => {
    const full = assembleSiwe({
      domain: 'example.com',
      address: ACCOUNT.address,
      statement: 'Hello',
      uri: 'https://example.com',
      nonce: 'abcdefgh',
      issuedAt: '2021-09-30T16:25:24Z',
      expirationTime: '2021-09-30T17:25:24Z',
      notBefore: '2021-09-30T16:00:00Z',
      requestId: 'r1',
      resources: ['https://example.com/a', 'https://example.com/b'],
    }).split('\n');
    // Dropping the statement, an optional field or one resource leaves a conformant message; nothing else does.
    const droppable = new Set([3, 10, 11, 12, 14, 15]);
    for (let i = 0; i < full.length; i += 1) {
      const dropped = parseSignInMessage(full.filter((_, j) => j !== i).join('\n'));
      expect(dropped.ok, `without line ${i + 1}`).toBe(droppable.has(i));
    }
    for (let i = 0; i < full.length; i += 1) {
      for (let j = i + 1; j < full.length; j += 1) {
        if (full[i] === full[j] || (i >= 14 && j >= 14)) continue;
        const swapped = [...full];
        [swapped[i], swapped[j]] = [swapped[j] ?? '', swapped[i] ?? ''];
        expect(parseSignInMessage(swapped.join('\n')).ok, `lines ${i + 1} and ${j + 1} swapped`).toBe(false);
      }
    }
  });
});

describe('checkSiweMessage on the parsed fields', () => {
  const base = (overrides: Partial<SiweFields> = {}): SiweFields => ({
    ...fieldsOf(CONFORMANT[1]?.build(ctx) ?? ''),
    ...overrides,
  });

  it.each([
    ['a scheme other than the site’s', { scheme: 'https' }, /scheme https, not http/],
    ['another domain', { domain: 'evil.example' }, /domain "evil.example", not 127.0.0.1:4321/],
    ['the domain with userinfo', { domain: `user@${ctx.host}` }, /domain/],
    ['the domain with empty userinfo', { domain: `@${ctx.host}` }, /domain/],
    ['the site’s host on another port', { domain: '127.0.0.1:4322' }, /domain "127.0.0.1:4322"/],
    ['the site’s host without its port', { domain: '127.0.0.1' }, /domain "127.0.0.1"/],
    ['a uri on another origin', { uri: 'https://evil.example/' }, /uri https:\/\/evil.example is not this site/],
    ['a uri the URL parser cannot place', { uri: 'urn:uuid:1' }, /is not this site/],
    ['a chain not configured', { chainId: 137n }, /chain 137 is not accepted here \(accepted: 1, 8453\)/],
    ['a chain beyond 2^53 that rounds to nothing configured', { chainId: 2n ** 53n + 1n }, /not accepted/],
    ['issued well in the future', { issuedAt: new Date(ctx.now.getTime() + 120_000) }, /issued in the future/],
    ['expired', { expirationTime: new Date(ctx.now.getTime() - 1) }, /expired/],
    ['not valid yet', { notBefore: new Date(ctx.now.getTime() + 120_000) }, /notBefore/],
  ])('refuses %s', (_name, overrides, problem) => {
    expect(checkSiweMessage(base(overrides as Partial<SiweFields>), site)).toMatch(problem);
  });

  it.each([
    ['the default port written out', 'https://desk.example', 'desk.example:443'],
    ['an empty port', 'https://desk.example', 'desk.example:'],
    ['the default port of http', 'http://desk.example', 'desk.example:80'],
    ['a port with leading zeros', 'http://desk.example:8080', 'desk.example:08080'],
  ])('takes %s as the site’s authority (RFC 3986 §6.2.3)', (_name, origin, domain) => {
    const fields = base({ scheme: null, domain, uri: `${origin}/login` });
    expect(checkSiweMessage(fields, { ...site, origin })).toBeNull();
  });

  it('does not take the other scheme’s default port as the site’s', () => {
    const fields = base({ scheme: null, domain: 'desk.example:80', uri: 'https://desk.example/login' });
    expect(checkSiweMessage(fields, { ...site, origin: 'https://desk.example' })).toMatch(/domain "desk.example:80"/);
  });

  it('compares the domain and scheme case-insensitively, as RFC 3986 does', () => {
    const named = { ...site, origin: 'https://desk.example' };
    const fields = base({ scheme: 'HTTPS', domain: 'Desk.Example', uri: 'https://desk.example/login' });
    expect(checkSiweMessage(fields, named)).toBeNull();
  });
});
