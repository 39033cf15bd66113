import type { APIRoute } from 'astro';

// The Sitemap line must be an absolute URL, so robots.txt is built from `site`.
export const GET: APIRoute = ({ site }) =>
  new Response(
    `User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: ${new URL('/sitemap-index.xml', site ?? 'http://localhost:4321')}\n`,
    { headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
