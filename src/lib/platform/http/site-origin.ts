import { isRfc3986Authority } from './uri-grammar.ts';
import { ConfigError } from '../runtime/config.ts';

/**
 * The one origin the site answers for. No request header chooses it: with
 * SITE_URL set it is that; without, on a loopback HOST only, the server runs
 * in local mode and answers to the loopback names on the port it listens on.
 * Sign-in, the cross-site check, the Host check on writes and every absolute
 * URL rendered on demand take it from here (request-context.server.ts).
 * Pure, so the rules are table-tested (test/platform/site-origin.unit.test.ts).
 */

/** What local mode answers to, the first being the name its absolute URLs use. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/** Accepted Host spellings kept (see SiteOrigin.originFor); a bound, far above the few a site sees. */
const KEPT_HOSTS = 16;

/**
 * Whether an authority (a Host header, a SIWE message's domain) names the
 * host and port of `site`, compared as RFC 3986 §6.2 says equivalent
 * authorities compare: the host case-insensitively, and an empty or default
 * port for the scheme the same as none, so `example.com:443` is
 * https://example.com. Any userinfo, even empty, makes it another authority
 * ("site.example@evil.example" is how phishing dresses up a host), and so
 * does anything past the authority (a path, a query).
 *
 * @example isSiteAuthority('Desk.Example:443', new URL('https://desk.example')) // true
 */
export function isSiteAuthority(authority: string, site: URL): boolean {
  if (authority.includes('@') || !isRfc3986Authority(authority)) return false;
  try {
    // The WHATWG parser lower-cases the host and drops the scheme's default port, as the site's URL already did.
    return new URL(`${site.protocol}//${authority}`).host === site.host;
  } catch {
    return false;
  }
}

/** Whether HOST (where the server listens) is a loopback address: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  try {
    const { hostname } = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}`);
    return hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  } catch {
    return false;
  }
}

export class SiteOrigin {
  /** Local mode: no SITE_URL, the loopback names on the port the server listens on. */
  readonly local: boolean;
  /** The origins the site answers for, the one absolute URLs use first; empty until a local site knows its port. */
  #origins: readonly URL[];
  /** Host headers already matched, by spelling: asked on every request. */
  readonly #named = new Map<string, string>();

  private constructor(local: boolean, origins: readonly URL[]) {
    this.local = local;
    this.#origins = origins;
  }

  /** The site at SITE_URL. */
  static configured(siteUrl: string): SiteOrigin {
    return new SiteOrigin(false, [new URL(new URL(siteUrl).origin)]);
  }

  /** Local mode on `port`; 0 while the port is chosen at listen time (see `listening`). */
  static local(port: number): SiteOrigin {
    const site = new SiteOrigin(true, []);
    if (port > 0) site.listening(port);
    return site;
  }

  /**
   * Tells a local site the port it listens on (PORT=0 lets the system choose
   * one). scripts/serve.ts calls it from its listen callback, which runs
   * before the first connection is taken; until then no Host is the site's.
   */
  listening(port: number): void {
    if (!this.local) return;
    this.#origins = LOCAL_NAMES.map((name) => new URL(`http://${name}:${port}`));
    this.#named.clear();
  }

  /** The port a local site listens on, or null (configured, or not listening yet). */
  get localPort(): number | null {
    return this.local && this.#origins[0] ? Number(this.#origins[0].port) : null;
  }

  /** The origin absolute URLs carry when a request names none of the site's: SITE_URL's, or http://localhost:<port>. */
  get origin(): string {
    const first = this.#origins[0];
    if (!first) throw new Error('the site’s origin was asked before the server listened');
    return first.origin;
  }

  /**
   * The site's origin a Host header names, or null when it names another
   * site (or none). In local mode each loopback name is its own origin, so a
   * page read at 127.0.0.1 links and signs in to 127.0.0.1.
   *
   * @example SiteOrigin.configured('https://desk.example').originFor('DESK.example:443') // 'https://desk.example'
   */
  originFor(host: string | null | undefined): string | null {
    if (!host) return null;
    const known = this.#named.get(host);
    if (known !== undefined) return known;
    const site = this.#origins.find((origin) => isSiteAuthority(host, origin));
    if (!site) return null;
    // Only spellings that matched are kept, so a client sending other Hosts cannot grow the map.
    if (this.#named.size >= KEPT_HOSTS) this.#named.clear();
    this.#named.set(host, site.origin);
    return site.origin;
  }
}

/** Where the server listens and what decides whether it may run without SITE_URL. */
export interface SiteSettings {
  /** SITE_URL, already checked to be a URL, or null. */
  siteUrl: string | null;
  /** HOST and PORT (0: chosen at listen time). */
  host: string;
  port: number;
  /** TRUSTED_PROXIES names at least one proxy. */
  behindProxy: boolean;
  /** NODE_ENV=production, read from the environment at start. */
  production: boolean;
}

/**
 * The site's origin from its settings. A missing SITE_URL stops start-up
 * (ConfigError, one line saying what to set) wherever readers could reach
 * the server under a name it cannot check: a HOST other machines reach,
 * behind a proxy, or in production.
 */
export function resolveSite(settings: SiteSettings): SiteOrigin {
  if (settings.siteUrl) return SiteOrigin.configured(settings.siteUrl);
  const port = settings.port > 0 ? String(settings.port) : '<port>';
  if (!isLoopbackHost(settings.host))
    throw new ConfigError(
      `SITE_URL is not set and HOST=${settings.host} is not a loopback address: set SITE_URL to the address ` +
        `readers use (a phone on the LAN needs SITE_URL=http://<lan-address>:${port})`,
    );
  if (settings.behindProxy)
    throw new ConfigError(
      'SITE_URL is not set but TRUSTED_PROXIES is: behind a proxy, set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    );
  if (settings.production)
    throw new ConfigError(
      'SITE_URL is not set and NODE_ENV=production: set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    );
  return SiteOrigin.local(settings.port);
}

/**
 * Whether a server may serve a build: the static pages carry the build's
 * origin in their canonical and share links. A build made with SITE_URL is
 * served with that SITE_URL only. A build made without one (its pages name
 * http://localhost) is refused in production; elsewhere (a proxy in front of
 * local instances, the tests behind nginx) it is served, with a notice.
 * Returns the refusal, the notice, or null.
 */
export function checkBuildSite(
  built: string | null,
  siteUrl: string | null,
  production: boolean,
): { refusal: string } | { notice: string } | null {
  const running = siteUrl === null ? null : new URL(siteUrl).origin;
  if (built !== null && running !== built)
    return {
      refusal:
        `SITE_URL=${running ?? '(not set)'}, but dist/ was built with SITE_URL=${built}: ` +
        'build again with the same SITE_URL (npm start builds), or start with the build’s',
    };
  if (built !== null || running === null) return null;
  const what = `SITE_URL=${running}, but dist/ was built without it (its static pages name http://localhost)`;
  if (production) return { refusal: `${what}: build again with SITE_URL=${running} (npm start builds)` };
  return { notice: `${what}; build with SITE_URL=${running} before deploying` };
}
