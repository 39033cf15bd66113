import type { AstroCookies } from 'astro';
import { cookieValue } from '../platform/http/results.ts';

/**
 * Anonymous voter identity in an HttpOnly cookie: the time it was made (12
 * hex digits of milliseconds) followed by 128 random bits. The random part is
 * what makes it unguessable; the time prefix makes new voters' ids sort after
 * the ones before them, so a flood of first votes appends to the ballots'
 * (poll, voter) index instead of touching a random page of it per ballot.
 * Ids without the prefix, which browsers may still hold, stay valid.
 */
export const VOTER_COOKIE = 'voter';
const VOTER_ID = /^(?:[0-9a-f]{12})?[A-Za-z0-9_-]{22}$/;
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function isVoterId(value: string | undefined): value is string {
  return value !== undefined && VOTER_ID.test(value);
}

// Drawing random bytes from the system CSPRNG is one syscall each time, and
// encoding them digit by digit in JavaScript was a measurable share of a first
// vote: the pool is drawn 4 KiB at a time and encoded to base64url at once.
// 18 bytes are exactly 24 digits, so the pool splits into 24-digit groups
// without padding; an id takes the first 22 digits of one (132 random bits).
// Each group is handed out once.
const GROUP_BYTES = 18;
const GROUP_DIGITS = 24;
const ID_DIGITS = 22;
const POOL_GROUPS = 228;
let pool = '';
let nextGroup = POOL_GROUPS;
// Under load several voters arrive in the same millisecond: its prefix is made once.
let prefixTime = -1;
let prefix = '';

/** The time, then at least 128 bits from the system's cryptographic random source (base64url). */
export function newVoterId(now: number): string {
  if (nextGroup === POOL_GROUPS) {
    pool = Buffer.from(crypto.getRandomValues(new Uint8Array(GROUP_BYTES * POOL_GROUPS))).toString('base64url');
    nextGroup = 0;
  }
  if (now !== prefixTime) {
    prefixTime = now;
    prefix = now.toString(16).padStart(12, '0');
  }
  const at = nextGroup++ * GROUP_DIGITS;
  return prefix + pool.slice(at, at + ID_DIGITS);
}

/** The voter id from a raw Cookie header, or null; a malformed value counts as none. */
export function voterIdFromCookieHeader(header: string | null | undefined): string | null {
  const value = cookieValue(header, VOTER_COOKIE) ?? undefined;
  return isVoterId(value) ? value : null;
}

/** The voter id from Astro's cookies, or null. */
export function readVoterId(cookies: AstroCookies): string | null {
  const value = cookies.get(VOTER_COOKIE)?.value;
  return isVoterId(value) ? value : null;
}

const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/', maxAge: ONE_YEAR_SECONDS } as const;

/**
 * The Set-Cookie header value for a new voter; Secure whenever the site is
 * reached over https. In the embed page, the partitioned third-party flavour
 * (see issueVoterCookie).
 */
export function voterCookieHeader(voterId: string, secure: boolean, context: 'site' | 'embed' = 'site'): string {
  const base = `${VOTER_COOKIE}=${voterId}; Max-Age=${COOKIE_OPTIONS.maxAge}; Path=${COOKIE_OPTIONS.path}; HttpOnly`;
  return context === 'embed'
    ? `${base}; SameSite=None; Secure; Partitioned`
    : `${base}; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/**
 * Sets the voter cookie through Astro (form actions). A vote cast in the embed
 * page may come from a frame on another site, where a SameSite=Lax cookie is
 * neither stored nor sent: there the cookie is SameSite=None, Secure and
 * Partitioned (CHIPS), kept for that site's frames only, so each reader still
 * has one ballot there.
 */
export function issueVoterCookie(
  cookies: AstroCookies,
  voterId: string,
  secure: boolean,
  context: 'site' | 'embed' = 'site',
): void {
  if (context === 'embed') {
    cookies.set(VOTER_COOKIE, voterId, { ...COOKIE_OPTIONS, sameSite: 'none', secure: true, partitioned: true });
  } else {
    cookies.set(VOTER_COOKIE, voterId, { ...COOKIE_OPTIONS, secure });
  }
}

/** Whether a form was posted from a poll's embed page (its action is that page's own path). */
export const isEmbedPath = (pathname: string): boolean => /^\/polls\/[a-z0-9-]+\/embed\/?$/.test(pathname);
