import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  framePolicy,
  isEmbedPath,
  nginxPolicyMap,
  securityHeaders,
  withInlineScriptHashes,
  withPagePolicy,
} from '../../src/lib/platform/http/security-headers.ts';

const sha = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('security headers', () => {
  it.each([
    ['/polls/x/embed/', true],
    ['/polls/x/embed', true],
    ['/zh/polls/x/embed/', true],
    ['/polls/x/', false],
    ['/polls/x/embed/more', false],
    ['/fr/polls/x/embed/', false],
    ['/posts/embed/', false],
  ] as const)('%s is the embed page: %s', (path, embed) => expect(isEmbedPath(path)).toBe(embed));

  it('lets only the embed page be framed by EMBED_ORIGINS', () => {
    expect(framePolicy('/polls/x/embed/', '*')).toBe('frame-ancestors *');
    expect(framePolicy('/polls/x/', '*')).toBe("frame-ancestors 'self'");
  });

  it('sends HSTS over TLS only', () => {
    expect(securityHeaders(true)['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(securityHeaders(false)).not.toHaveProperty('strict-transport-security');
    expect(securityHeaders(false)).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(securityHeaders(false)['permissions-policy']).toContain('clipboard-write=(self)');
    expect(securityHeaders(false)['permissions-policy']).toContain('camera=()');
  });

  it('adds the hash of each inline script a page holds, once, and none for external or JSON scripts', () => {
    const html =
      '<script type="module">a()</script><script src="/x.js"></script><script type="application/json">{}</script>' +
      '<script>b()</script><script type="module">a()</script>';
    const policy = `default-src 'self'; script-src 'self' ${sha('a()')}; style-src 'self'`;
    expect(withInlineScriptHashes(policy, html)).toBe(
      `default-src 'self'; script-src 'self' ${sha('a()')} ${sha('b()')}; style-src 'self'`,
    );
    expect(withInlineScriptHashes("default-src 'self'", html)).toBe("default-src 'self'");
  });

  it('maps each page file and its directory to both policies for nginx', () => {
    const map = nginxPolicyMap(new Map([['/about/index.html', "script-src 'self'"]]));
    expect(map.split('\n')).toEqual([
      `    "/about/index.html" "script-src 'self', frame-ancestors 'self'";`,
      `    "/about/" "script-src 'self', frame-ancestors 'self'";`,
    ]);
  });

  it('gives an HTML response its frame policy beside Astro’s and names its character set', () => {
    const page = withPagePolicy(
      new Response('<p>hi</p>', {
        headers: { 'content-type': 'text/html', 'content-security-policy': "script-src 'self'" },
      }),
      '/polls/x/embed/',
      "'self' https://blog.example",
    );
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      "script-src 'self', frame-ancestors 'self' https://blog.example",
    );
    const json = new Response('{}', { headers: { 'content-type': 'application/json' } });
    expect(withPagePolicy(json, '/api/x', '*')).toBe(json);
  });
});
