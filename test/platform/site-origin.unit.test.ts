import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBuildSite,
  isLoopbackHost,
  isSiteAuthority,
  resolveSite,
  SiteOrigin,
  type SiteSettings,
} from '../../src/lib/platform/http/site-origin.ts';

describe('isSiteAuthority (RFC 3986 §6.2)', () => {
  it.each([
    ['desk.example', 'https://desk.example'],
    ['DESK.Example', 'https://desk.example'],
    ['desk.example:443', 'https://desk.example'],
    ['desk.example:', 'https://desk.example'],
    ['desk.example:80', 'http://desk.example'],
    ['desk.example:8080', 'http://desk.example:8080'],
    ['desk.example:08080', 'http://desk.example:8080'],
    ['127.0.0.1:4321', 'http://127.0.0.1:4321'],
    ['[::1]:4321', 'http://[::1]:4321'],
    ['[0:0:0:0:0:0:0:1]:4321', 'http://[::1]:4321'],
    ['LOCALHOST:4321', 'http://localhost:4321'],
  ])('takes %s as the authority of %s', (authority, site) => {
    expect(isSiteAuthority(authority, new URL(site))).toBe(true);
  });

  it.each([
    ['evil.example', 'https://desk.example', 'another host'],
    ['desk.example:80', 'https://desk.example', 'the other scheme’s default port'],
    ['desk.example:8443', 'https://desk.example', 'another port'],
    ['desk.example', 'http://desk.example:8080', 'no port where the site has one'],
    ['desk.example.', 'https://desk.example', 'a trailing dot (another reg-name in RFC 3986)'],
    ['desk.example.evil.example', 'https://desk.example', 'a suffix'],
    ['user@desk.example', 'https://desk.example', 'userinfo'],
    ['@desk.example', 'https://desk.example', 'empty userinfo'],
    ['desk.example@evil.example', 'https://desk.example', 'the site dressed up as userinfo'],
    ['evil.example/@desk.example', 'https://desk.example', 'a path'],
    ['desk.example/x', 'https://desk.example', 'a path after the site'],
    ['desk.example?x', 'https://desk.example', 'a query'],
    ['desk.example#x', 'https://desk.example', 'a fragment'],
    ['desk.example:443:443', 'https://desk.example', 'two ports'],
    ['desk example', 'https://desk.example', 'a space'],
    ['', 'https://desk.example', 'nothing'],
    ['127.0.0.1:4322', 'http://127.0.0.1:4321', 'the site’s address on another port'],
    ['127.0.0.1', 'http://127.0.0.1:4321', 'the site’s address without its port'],
  ])('refuses %s for %s (%s)', (authority, site) => {
    expect(isSiteAuthority(authority, new URL(site))).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LocalHost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'desk.example', 'localhost.example', '128.0.0.1', '::2', ''])(
    '%s is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('SiteOrigin', () => {
  const configured = SiteOrigin.configured('https://desk.example/some/path');

  it.each([
    ['desk.example', 'https://desk.example'],
    ['Desk.Example:443', 'https://desk.example'],
    ['evil.example', null],
    ['desk.example:80', null],
    ['localhost', null],
    [null, null],
    [undefined, null],
  ])('with SITE_URL, Host %s names %s', (host, origin) => {
    expect(configured.originFor(host)).toBe(origin);
    // Asked again (answers are kept by spelling): the same.
    expect(configured.originFor(host)).toBe(origin);
  });

  it('with SITE_URL, writes its origin in absolute URLs and is not local', () => {
    expect(configured.origin).toBe('https://desk.example');
    expect(configured.local).toBe(false);
    expect(configured.localPort).toBeNull();
  });

  const local = SiteOrigin.local(4321);

  it.each([
    ['localhost:4321', 'http://localhost:4321'],
    ['127.0.0.1:4321', 'http://127.0.0.1:4321'],
    ['[::1]:4321', 'http://[::1]:4321'],
    ['LOCALHOST:4321', 'http://localhost:4321'],
    ['localhost', null],
    ['localhost:4322', null],
    ['127.0.0.2:4321', null],
    ['evil.example', null],
    ['evil.example:4321', null],
    ['192.168.1.5:4321', null],
  ])('in local mode on port 4321, Host %s names %s', (host, origin) => {
    expect(local.originFor(host)).toBe(origin);
  });

  it('in local mode writes http://localhost:<port> in absolute URLs', () => {
    expect(local.origin).toBe('http://localhost:4321');
    expect(local.localPort).toBe(4321);
  });

  it('in local mode on PORT=0 answers for no Host until it knows the port it listens on', () => {
    const site = SiteOrigin.local(0);
    expect(site.localPort).toBeNull();
    expect(site.originFor('127.0.0.1:0')).toBeNull();
    expect(() => site.origin).toThrow(/before the server listened/);
    site.listening(38211);
    expect(site.originFor('127.0.0.1:38211')).toBe('http://127.0.0.1:38211');
    expect(site.origin).toBe('http://localhost:38211');
  });

  it('keeps a configured origin whatever port it listens on', () => {
    const site = SiteOrigin.configured('http://192.168.1.5:4321');
    site.listening(5000);
    expect(site.origin).toBe('http://192.168.1.5:4321');
    expect(site.originFor('192.168.1.5:5000')).toBeNull();
  });

  it('names no origin but its own, whatever the Host (property)', () => {
    const own = new Set(['http://localhost:4321', 'http://127.0.0.1:4321', 'http://[::1]:4321']);
    const hostChars = fc.constantFrom(...'abclhost.0127:[]@/?#%ALOCH-_ '.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(hostChars, { maxLength: 24 }).map((chars) => chars.join('')),
          fc
            .constantFrom('localhost', '127.0.0.1', '[::1]')
            .chain((name) => fc.string({ maxLength: 8 }).map((tail) => `${name}:4321${tail}`)),
        ),
        (host) => {
          const named = local.originFor(host);
          expect(named === null || own.has(named)).toBe(true);
          expect(configured.originFor(host) ?? 'https://desk.example').toBe('https://desk.example');
        },
      ),
    );
  });
});

describe('resolveSite', () => {
  const base: SiteSettings = {
    siteUrl: null,
    host: 'localhost',
    port: 4321,
    behindProxy: false,
    production: false,
  };

  it.each([
    [{}, 'local'],
    [{ host: '127.0.0.1', port: 0 }, 'local'],
    [{ host: '::1' }, 'local'],
    [{ siteUrl: 'https://desk.example', host: '0.0.0.0' }, 'https://desk.example'],
    [{ siteUrl: 'https://desk.example', behindProxy: true, production: true }, 'https://desk.example'],
    [{ siteUrl: 'http://192.168.1.5:4321/', host: '0.0.0.0' }, 'http://192.168.1.5:4321'],
  ])('%j runs %s', (overrides, expected) => {
    const site = resolveSite({ ...base, ...overrides });
    expect(site.local ? 'local' : site.origin).toBe(expected);
  });

  it.each([
    [
      { host: '0.0.0.0' },
      'SITE_URL is not set and HOST=0.0.0.0 is not a loopback address: set SITE_URL to the address readers use ' +
        '(a phone on the LAN needs SITE_URL=http://<lan-address>:4321)',
    ],
    [{ host: '192.168.1.5', port: 0 }, /HOST=192.168.1.5 .*SITE_URL=http:\/\/<lan-address>:<port>\)$/],
    [
      { behindProxy: true },
      'SITE_URL is not set but TRUSTED_PROXIES is: behind a proxy, set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    ],
    [
      { production: true },
      'SITE_URL is not set and NODE_ENV=production: set SITE_URL to the address readers use ' +
        '(e.g. SITE_URL=https://desk.example)',
    ],
  ])('without SITE_URL, %j stops start-up with one line', (overrides, message) => {
    expect(() => resolveSite({ ...base, ...overrides })).toThrow(message);
  });
});

describe('checkBuildSite', () => {
  it.each([
    [null, null, false, null],
    [null, null, true, null],
    ['https://desk.example', 'https://desk.example', true, null],
    ['https://desk.example', 'https://desk.example/', false, null],
    [
      'https://desk.example',
      'https://other.example',
      false,
      {
        refusal:
          'SITE_URL=https://other.example, but dist/ was built with SITE_URL=https://desk.example: ' +
          'build again with the same SITE_URL (npm start builds), or start with the build’s',
      },
    ],
    [
      'https://desk.example',
      null,
      false,
      {
        refusal:
          'SITE_URL=(not set), but dist/ was built with SITE_URL=https://desk.example: ' +
          'build again with the same SITE_URL (npm start builds), or start with the build’s',
      },
    ],
    [
      null,
      'https://desk.example',
      true,
      {
        refusal:
          'SITE_URL=https://desk.example, but dist/ was built without it (its static pages name http://localhost): ' +
          'build again with SITE_URL=https://desk.example (npm start builds)',
      },
    ],
    [
      null,
      'http://127.0.0.1:8000',
      false,
      {
        notice:
          'SITE_URL=http://127.0.0.1:8000, but dist/ was built without it (its static pages name http://localhost); ' +
          'build with SITE_URL=http://127.0.0.1:8000 before deploying',
      },
    ],
  ])('built with %s, started with %s (production: %s): %j', (built, siteUrl, production, expected) => {
    expect(checkBuildSite(built, siteUrl, production)).toEqual(expected);
  });
});
