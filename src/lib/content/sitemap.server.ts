import { fileURLToPath } from 'node:url';
import { tokenDefinitionSchema } from '../chain/schemas.ts';
import { pollDefinitionSchema } from '../polls/schemas.ts';
import { LOCALES, localizePath } from '../i18n/locales.ts';
import { symbolKey } from './schemas.ts';
import { loadYamlDir } from './yaml.server.ts';

/**
 * The pages rendered on demand, which the sitemap integration cannot see
 * (it lists prerendered pages): the tokens index, each poll's page and each token's, from the
 * same definitions the content collections read, without the demo's when it
 * is off. For astro.config.mjs, at build time.
 */
const CONTENT = fileURLToPath(new URL('../../content/', import.meta.url));

export function onDemandPages(site: string, demo: boolean): string[] {
  const shown = <T extends { demo: boolean }>(entries: { data: T }[]): T[] =>
    entries.map((e) => e.data).filter((d) => demo || !d.demo);
  const polls = shown(loadYamlDir(`${CONTENT}polls`, pollDefinitionSchema)).map((p) => `/polls/${p.id}/`);
  const tokens = shown(loadYamlDir(`${CONTENT}tokens`, tokenDefinitionSchema)).map(
    (t) => `/tokens/${symbolKey(t.symbol)}/`,
  );
  // Every language has these pages.
  return LOCALES.flatMap((locale) =>
    [...polls, '/tokens/', ...tokens].map((path) => new URL(localizePath(path, locale), site).href),
  );
}

/** Pages the sitemap leaves out: the API, and pages that ask not to be indexed. */
export const NOT_IN_SITEMAP = [
  '/api/',
  '/account/',
  '/zh/account/',
  '/og/',
  '/not-found/',
  '/zh/not-found/',
  '/admin/',
  '/zh/admin/',
];
