import type { AstroCookies } from 'astro';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';

/** Anonymous voter identity: 128 random bits in an HttpOnly cookie. */
export const VOTER_COOKIE = 'voter';
const VOTER_ID = /^[A-Za-z0-9_-]{22}$/;
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function isVoterId(value: string | undefined): value is string {
  return value !== undefined && VOTER_ID.test(value);
}

export function newVoterId(): string {
  return encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(16)));
}

/** The voter id from the request's cookie, or null; a malformed cookie counts as none. */
export function readVoterId(cookies: AstroCookies): string | null {
  const value = cookies.get(VOTER_COOKIE)?.value;
  return isVoterId(value) ? value : null;
}

/** Sets the voter cookie; Secure whenever the site is reached over https. */
export function issueVoterCookie(cookies: AstroCookies, voterId: string, secure: boolean): void {
  cookies.set(VOTER_COOKIE, voterId, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: ONE_YEAR_SECONDS,
  });
}
