import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AstroIntegration } from 'astro';

/**
 * What a build decided that the server must agree with. Static pages are
 * written at build time, so a server that started with another DEMO than its
 * build would show half a demo, and one with another SITE_URL would serve
 * pages whose canonical and share links name another origin; start-up
 * compares them (startup.server.ts).
 */
export interface BuildInfo {
  demo: boolean;
  /** SITE_URL's origin at build time, or null when it was not set (the pages then name http://localhost). */
  siteUrl: string | null;
}

const FILE = 'build-info.json';

/** The integration that writes dist/build-info.json once the build is done. */
export function buildInfo(info: BuildInfo): AstroIntegration {
  return {
    name: 'sentiment-desk:build-info',
    hooks: {
      'astro:build:done': ({ dir }) => {
        // `dir` is dist/client/, served to readers; the file goes beside it, where it is not.
        writeFileSync(new URL(`../${FILE}`, dir), `${JSON.stringify(info)}\n`);
      },
    },
  };
}

/** The build's decisions, or null for a build from before this file existed (or none). */
export function readBuildInfo(distDir: URL): BuildInfo | null {
  const file = new URL(FILE, distDir);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildInfo>;
  if (typeof parsed.demo !== 'boolean') return null;
  return { demo: parsed.demo, siteUrl: typeof parsed.siteUrl === 'string' ? parsed.siteUrl : null };
}
