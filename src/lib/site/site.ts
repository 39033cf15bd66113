import type { MessageKey } from '../../i18n/en.ts';

/** Facts about the site used in page chrome and metadata; its words are in the catalogues (src/i18n). */
export const SITE = {
  name: 'sentiment-desk',
} as const;

export const NAV: readonly { href: string; label: MessageKey }[] = [
  { href: '/', label: 'nav.research' },
  { href: '/polls/', label: 'nav.polls' },
  { href: '/tokens/', label: 'nav.tokens' },
  { href: '/tags/', label: 'nav.topics' },
  { href: '/about/', label: 'nav.about' },
];

/** The reader's own page: beside the language switch, not in the menu, so the menu fits a phone's width. */
export const ACCOUNT_LINK: { href: string; label: MessageKey } = { href: '/account/', label: 'nav.account' };
