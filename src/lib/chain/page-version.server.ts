import { symbolKey } from '../content/schemas.ts';
import { translator } from '../i18n/i18n.ts';
import { localePrefixPattern } from '../i18n/locales.ts';
import type { PageRoute } from '../platform/http/http-server.server.ts';
import { isScope } from './scopes.ts';

/*
 * Token pages as the page memory sees them (platform/http/page-memory.server.ts). A token page is built
 * from the token files and posts (fixed by the build), the token's snapshots, their flow spans and its
 * schedule's state (chainDataVersion), the unlock schedule's state (by the day) and the track record of its
 * resolved polls, which waits for the page memory's age limit. Its "last snapshot" line says the time itself,
 * not an age.
 */

const DAY_MS = 86_400_000;

interface TokenPagesDeps {
  chainVersion: () => Promise<string>;
}

export const TOKEN_PAGE_ROUTES: readonly PageRoute<TokenPagesDeps, { origin: string }>[] = [
  {
    route: '/[...locale]/tokens/[symbol]',
    params: { locale: localePrefixPattern(), symbol: '[A-Za-z0-9._-]{1,40}' },
    version: async ({ services, params, url, reader, now }) => {
      const scope = url.searchParams.get('scope');
      return JSON.stringify([
        translator(params.locale).locale,
        reader.origin,
        symbolKey(params.symbol ?? ''),
        isScope(scope) ? scope : 'all',
        await services.chainVersion(),
        Math.floor(now / DAY_MS),
      ]);
    },
  },
  {
    route: '/[...locale]/tokens',
    params: { locale: localePrefixPattern() },
    version: async ({ services, params, reader, now }) =>
      JSON.stringify([
        translator(params.locale).locale,
        reader.origin,
        await services.chainVersion(),
        Math.floor(now / DAY_MS),
      ]),
  },
];
