import { translator } from './i18n/i18n.ts';
import type { MessageKey } from '../i18n/en.ts';

/** Facts about the site used in page chrome and metadata; its words are in the catalogues (src/i18n). */
export const SITE = {
  name: 'sentiment-desk',
} as const;

export const NAV: readonly { href: string; label: MessageKey }[] = [
  { href: '/', label: 'nav.research' },
  { href: '/polls/', label: 'nav.polls' },
  { href: '/tags/', label: 'nav.topics' },
  { href: '/about/', label: 'nav.about' },
  { href: '/account/', label: 'nav.account' },
];

/**
 * A date as readers of an English page expect it, in UTC so that a static
 * page says the same thing wherever it is built. Localised pages use their
 * translator's `date` instead.
 * @example formatDate(new Date('2026-11-20')) // 'Nov 20, 2026'
 */
export function formatDate(date: Date): string {
  return translator('en').date(date);
}
