// @ts-check
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import sitemap from '@astrojs/sitemap';
import { unified } from '@astrojs/markdown-remark';
import { defineConfig } from 'astro/config';
import { NOT_IN_SITEMAP, onDemandPages } from './src/lib/content/sitemap.server.ts';
import { rehypeFootnoteLabels } from './src/lib/content/footnotes.ts';
import { remarkSocialLinks } from './src/lib/content/social-links.ts';
import { DEFAULT_LOCALE, HTML_LANG, LOCALES } from './src/lib/i18n/locales.ts';
import { searchIndex } from './src/lib/search/index.server.ts';
import { buildInfo } from './src/lib/platform/runtime/build-info.server.ts';
import { routeTableFile } from './src/lib/platform/http/route-table.server.ts';
import { serverBundle, UNBUNDLED_PACKAGES } from './src/lib/platform/runtime/server-bundle.server.ts';
import { precompressStatic } from './src/lib/platform/http/static-files.server.ts';
import { ENV_SCHEMA, readDemo, readSiteUrl } from './src/lib/platform/runtime/config.ts';
import { CSP_DIRECTIVES } from './src/lib/platform/http/security-headers.ts';

// Canonical URLs, the sitemap and RSS are written into static HTML at build
// time, so the origin they use is fixed then, and dist/build-info.json records
// it: a server started with another SITE_URL refuses (site-origin.ts). Pages
// rendered on demand take the origin the server runs with (request-context.server.ts).
const siteUrl = readSiteUrl(process.env);
const site = siteUrl ?? `http://localhost:${Number(process.env.PORT) || 4321}`;

export default defineConfig({
  site,
  trailingSlash: 'ignore',
  // English at /, Chinese under /zh/: each page reads its language from Astro.currentLocale.
  i18n: { locales: [...LOCALES], defaultLocale: DEFAULT_LOCALE, routing: { prefixDefaultLocale: false } },
  // Middleware mode: scripts/serve.ts owns the HTTP server and serves static files from memory,
  // so only Astro's request handler is needed (the standalone one also stats the disk per request).
  // staticHeaders: prerendered pages' policies go to dist/_headers.json for the server and nginx, not into <meta>.
  adapter: node({ mode: 'middleware', staticHeaders: true }),
  integrations: [
    mdx(),
    sitemap({
      filter: (page) => !NOT_IN_SITEMAP.some((path) => new URL(page).pathname.startsWith(path)),
      customPages: onDemandPages(site, readDemo(process.env)),
      // Each page lists its other-language version as an xhtml:link alternate.
      i18n: { defaultLocale: DEFAULT_LOCALE, locales: Object.fromEntries(LOCALES.map((l) => [l, HTML_LANG[l]])) },
    }),
    // The content collections leave the demo out when DEMO=off; the server checks it agrees, and with SITE_URL.
    buildInfo({ demo: readDemo(process.env), siteUrl }),
    searchIndex({ demo: readDemo(process.env) }),
    // dist/routes.json: the file routes and their methods, for the server's front door (routes.ts).
    routeTableFile(),
    // dist/serve.mjs: scripts/serve.ts and what it imports, as one file (`npm run serve` runs it);
    // dist/vote-writer.mjs: the thread it commits ballots on; dist/card-drawer.mjs: the process it draws poll cards in.
    serverBundle({
      'serve.mjs': new URL('./scripts/serve.ts', import.meta.url),
      'vote-writer.mjs': new URL('./scripts/vote-writer.ts', import.meta.url),
      'card-drawer.mjs': new URL('./scripts/card-drawer.ts', import.meta.url),
    }),
    // Last: it compresses what the integrations above wrote into dist/client too.
    precompressStatic(),
  ],
  markdown: {
    // Sätteri (Astro 7's default) runs no remark plugins; the social links
    // plugin is a remark plugin, so posts go through unified.
    processor: unified({ remarkPlugins: [remarkSocialLinks], rehypePlugins: [rehypeFootnoteLabels] }),
  },
  env: { schema: ENV_SCHEMA, validateSecrets: false },
  build: { inlineStylesheets: 'always' },
  server: { host: process.env.HOST ?? 'localhost', port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
  // src/middleware.ts refuses every cross-site write (Origin or Sec-Fetch-Site,
  // any content type, pages and API alike) with a JSON 403; Astro's own check
  // covers only form posts and answers in plain text, so it stands aside.
  security: {
    checkOrigin: false,
    // Astro hashes every script and style it emits into script-src and style-src. frame-ancestors is not here:
    // it depends on the page (the embed page's comes from EMBED_ORIGINS), so the server sends it as a second
    // policy (src/lib/platform/http/security-headers.ts).
    csp: {
      directives: [...CSP_DIRECTIVES],
      scriptDirective: { resources: ["'self'"] },
      // Style attributes (a bar's width, a frame's height) are data, not code: allowed, as attributes only.
      styleDirective: { resources: ["'self'", { resource: "'unsafe-inline'", kind: 'attribute' }] },
    },
  },
  vite: {
    // The server's packages go into its bundle: Node loading them module by module from node_modules held about
    // 40 MB more in every instance (docs/decisions/0010-memory-of-an-idle-instance.md). Native bindings stay outside (server-bundle.server.ts).
    ssr: { noExternal: true, external: [...UNBUNDLED_PACKAGES] },
    build: {
      rollupOptions: {
        // MDX content modules carry Astro's own "use astro:head-inject" marker,
        // which the bundler reports on every build; it is expected and harmless.
        output: {
          // The poll and token charts share Chart.js: give that chunk a name that says what it is.
          manualChunks(id) {
            return /node_modules\/(chart\.js|@kurkle\/color)\//.test(id) ? 'chartjs' : undefined;
          },
        },
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
          warn(warning);
        },
      },
    },
  },
});
