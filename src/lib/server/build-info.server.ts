import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AstroIntegration } from 'astro';

/**
 * What a build decided that the server must agree with. Static pages are
 * written at build time, so a server that started with another DEMO than its
 * build would show half a demo; start-up compares the two (startup.server.ts).
 */
export interface BuildInfo {
  demo: boolean;
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
  return typeof parsed.demo === 'boolean' ? { demo: parsed.demo } : null;
}
