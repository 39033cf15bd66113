import { describe, expect, it } from 'vitest';
import {
  ABSOLUTE_LIFETIME_MS,
  createSessionToken,
  generateSecureRandomString,
  hashSecret,
  INACTIVITY_TIMEOUT_MS,
  needsActivityRefresh,
  parseSessionToken,
  secretMatches,
  sessionExpiresAt,
  sessionState,
} from '../../src/lib/auth/session.ts';

describe('session tokens', () => {
  it('carry 160 random bits per part, base32, and differ every time', () => {
    const values = Array.from({ length: 1000 }, () => generateSecureRandomString());
    expect(values.every((v) => /^[a-z2-7]{32}$/.test(v))).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });

  it('are <id>.<secret>, and only the hash of the secret is kept', () => {
    const { id, secretHash, token } = createSessionToken();
    const parsed = parseSessionToken(token);
    expect(parsed?.id).toBe(id);
    expect(token).not.toContain(Buffer.from(secretHash).toString('hex'));
    expect(secretMatches(parsed?.secret ?? '', secretHash)).toBe(true);
  });

  it('use the RNG they are given (so tests can prove where randomness comes from)', () => {
    const zeros = createSessionToken((b) => b.fill(0));
    expect(zeros.token).toBe(`${'a'.repeat(32)}.${'a'.repeat(32)}`);
  });

  it.each([
    [null],
    [''],
    ['nodot'],
    ['a.b.c'],
    [`${'a'.repeat(32)}.${'A'.repeat(32)}`],
    [`${'a'.repeat(31)}.${'a'.repeat(32)}`],
    [`${'a'.repeat(32)}.${'a'.repeat(32)}<script>`],
  ])('rejects the malformed token %j', (token) => expect(parseSessionToken(token)).toBeNull());
});

describe('secretMatches (constant-time comparison of hashes)', () => {
  const secret = generateSecureRandomString();
  const stored = hashSecret(secret);
  const other = generateSecureRandomString();

  it('accepts the secret whose hash is stored', () => expect(secretMatches(secret, stored)).toBe(true));
  it('rejects a different secret', () => expect(secretMatches(other, stored)).toBe(false));
  it('rejects a secret differing in its last character only', () => {
    const last = secret.at(-1) === 'a' ? 'b' : 'a';
    expect(secretMatches(`${secret.slice(0, -1)}${last}`, stored)).toBe(false);
  });
  it('rejects a stored hash of the wrong length', () =>
    expect(secretMatches(secret, stored.subarray(0, 16))).toBe(false));
  it('is not fooled by comparing a hash with itself', () => {
    // A broken implementation that compared hashSecret(secret) to itself would pass every case above but this one.
    expect(secretMatches(secret, hashSecret(other))).toBe(false);
  });
});

describe('session lifetime', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['fresh', { createdAt: start, lastActiveAt: start }, start + 1000, 'valid'],
    ['29 days idle', { createdAt: start, lastActiveAt: start }, start + INACTIVITY_TIMEOUT_MS - 1, 'valid'],
    ['30 days idle', { createdAt: start, lastActiveAt: start }, start + INACTIVITY_TIMEOUT_MS, 'expired'],
    [
      'active but 90 days old',
      { createdAt: start, lastActiveAt: start + ABSOLUTE_LIFETIME_MS - 1 },
      start + ABSOLUTE_LIFETIME_MS,
      'expired',
    ],
  ] as const)('%s', (_name, session, now, state) => expect(sessionState(session, now)).toBe(state));

  it('expires at the earlier limit and refreshes at most hourly', () => {
    expect(sessionExpiresAt({ createdAt: start, lastActiveAt: start })).toBe(start + INACTIVITY_TIMEOUT_MS);
    expect(sessionExpiresAt({ createdAt: start, lastActiveAt: start + 80 * 86_400_000 })).toBe(
      start + ABSOLUTE_LIFETIME_MS,
    );
    expect(needsActivityRefresh({ createdAt: start, lastActiveAt: start }, start + 59 * 60_000)).toBe(false);
    expect(needsActivityRefresh({ createdAt: start, lastActiveAt: start }, start + 60 * 60_000)).toBe(true);
  });
});
