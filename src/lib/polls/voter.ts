import type { AstroCookies } from 'astro';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { cookieValue } from '../http.ts';

/** Anonymous voter identity: 128 random bits in an HttpOnly cookie. */
export const VOTER_COOKIE = 'voter';
const VOTER_ID = /^[A-Za-z0-9_-]{22}$/;
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function isVoterId(value: string | undefined): value is string {
  return value !== undefined && VOTER_ID.test(value);
}

// Drawing 16 bytes from the system CSPRNG is one syscall each; drawing them
// 4 KiB at a time keeps a flood of first-time voters from paying it per vote.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/** 128 bits from the system's cryptographic random source, base64url. */
export function newVoterId(): string {
  if (offset + 16 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const id = encodeBase64urlNoPadding(pool.subarray(offset, offset + 16));
  // Each slice is handed out once: wipe it so no later read can see it again.
  pool.fill(0, offset, offset + 16);
  offset += 16;
  return id;
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

/** The Set-Cookie header value for a new voter; Secure whenever the site is reached over https. */
export function voterCookieHeader(voterId: string, secure: boolean): string {
  return `${VOTER_COOKIE}=${voterId}; Max-Age=${COOKIE_OPTIONS.maxAge}; Path=${COOKIE_OPTIONS.path}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Sets the voter cookie through Astro (form actions). */
export function issueVoterCookie(cookies: AstroCookies, voterId: string, secure: boolean): void {
  cookies.set(VOTER_COOKIE, voterId, { ...COOKIE_OPTIONS, secure });
}
