import type { AstroCookies } from 'astro';
import { SESSION_COOKIE, sessionExpiresAt, type SessionTimes } from './session.ts';

/** The session cookie: HttpOnly, SameSite=Lax, whole site, Secure on https, with an explicit expiry. */
export function setSessionCookie(cookies: AstroCookies, token: string, session: SessionTimes, secure: boolean): void {
  cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: new Date(sessionExpiresAt(session)),
  });
}

export function deleteSessionCookie(cookies: AstroCookies, secure: boolean): void {
  cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}

/** The same cookie as a raw Set-Cookie value, for responses built outside Astro. */
export function sessionCookieHeader(token: string, session: SessionTimes, secure: boolean): string {
  const expires = new Date(sessionExpiresAt(session)).toUTCString();
  return `${SESSION_COOKIE}=${token}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The raw Set-Cookie value that deletes the session cookie, as deleteSessionCookie does. */
export function deletedSessionCookieHeader(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
