import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import { tokenDefinitionSchema } from '../chain/schemas.ts';
import { loadYamlDir } from '../content/yaml.server.ts';
import { pollDefinitionSchema } from '../polls/schemas.ts';
import { LOCALES } from '../i18n/i18n.ts';
import { pollRecord, tokenRecord } from './records.ts';

/**
 * The search index, built with the site (Pagefind, static: no server work at
 * search time). Posts are read from the built HTML, where their article is
 * marked data-pagefind-body; polls and tokens are rendered on demand, so they
 * are added as records from their definitions. Written to dist/client/pagefind/.
 */
const CONTENT = fileURLToPath(new URL('../../content/', import.meta.url));

export function searchIndex(options: { demo: boolean }): AstroIntegration {
  return {
    name: 'sentiment-desk:search-index',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const shown = <T extends { demo: boolean }>(entries: { data: T }[]): T[] =>
          entries.map((e) => e.data).filter((d) => options.demo || !d.demo);
        const { index, errors } = await pagefind.createIndex({});
        if (!index) throw new Error(`search index: ${errors.join('; ')}`);
        const site = fileURLToPath(dir);
        const pages = await index.addDirectory({ path: site });
        // Each language has its own index (Pagefind splits by <html lang>): a record per page per language.
        const polls = shown(loadYamlDir(`${CONTENT}polls`, pollDefinitionSchema));
        const tokens = shown(loadYamlDir(`${CONTENT}tokens`, tokenDefinitionSchema));
        const records = LOCALES.flatMap((locale) => [
          ...polls.map((poll) => pollRecord(poll, locale)),
          ...tokens.map((token) => tokenRecord(token, locale)),
        ]);
        for (const record of records) {
          const added = await index.addCustomRecord(record);
          if (added.errors.length > 0) throw new Error(`search index: ${record.url}: ${added.errors.join('; ')}`);
        }
        const written = await index.writeFiles({ outputPath: `${site}pagefind` });
        if (written.errors.length > 0) throw new Error(`search index: ${written.errors.join('; ')}`);
        await pagefind.close();
        logger.info(`search: ${pages.page_count} pages and ${records.length} polls and tokens indexed`);
      },
    },
  };
}
