/** Facts about the site used in page chrome and metadata. */
export const SITE = {
  name: 'sentiment-desk',
  tagline: 'What crypto communities say, checked against what the chain shows.',
  description:
    'Long-form research on tokens and their communities, live sentiment polls, and on-chain holder data side by side.',
  locale: 'en',
} as const;

export const NAV = [
  { href: '/', label: 'Research' },
  { href: '/polls/', label: 'Polls' },
  { href: '/tags/', label: 'Topics' },
  { href: '/about/', label: 'About' },
  { href: '/account/', label: 'Account' },
] as const;

/**
 * A date as readers of an English page expect it, in UTC so that a static
 * page says the same thing wherever it is built.
 * @example formatDate(new Date('2026-11-20')) // 'Nov 20, 2026'
 */
export function formatDate(date: Date): string {
  return date.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}
