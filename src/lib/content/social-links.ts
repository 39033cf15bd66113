import type { Link, Parent, PhrasingContent, Root, Text } from 'mdast';
import { localizePath, type Locale } from '../i18n/locales.ts';
import { contentLocale } from './content-locale.ts';

/**
 * Turns `$CASHTAG`, `#hashtag` and `@mention` in a post's prose into links, the
 * way readers know them from social feeds. Pure: a tree in, the same tree
 * changed, no I/O.
 */
export interface SocialLinkOptions {
  /** Profile URL for a handle, or null to render the handle as a styled span. */
  mentionUrl?: ((handle: string) => string | null) | undefined;
  /** The site's language for the post's own links (tokens, tags); English unless the file says otherwise. */
  locale?: Locale | undefined;
}

export type SocialToken =
  | { kind: 'cashtag'; text: string; value: string }
  | { kind: 'hashtag'; text: string; value: string }
  | { kind: 'mention'; text: string; value: string };

export type SocialSegment = string | SocialToken;

// A tag starts after a boundary that is not part of a word, so "US$5", "a#b"
// and "me@example.com" stay plain text. Cashtags need a letter first ($5 is a
// price) and at most 10 characters; hashtags accept any script, so #观察 works.
const SOCIAL_PATTERN =
  /(?<![\p{L}\p{N}_$#@])(?:\$(?<cashtag>[A-Za-z][A-Za-z0-9]{0,9})|#(?<hashtag>\p{L}[\p{L}\p{N}_]{0,49})|@(?<mention>[A-Za-z0-9_]{1,30}))(?![\p{L}\p{N}_])/gu;

export const DEFAULT_MENTION_URL = (handle: string): string => `https://x.com/${handle}`;

/** URL path of a token's page for a cashtag symbol. */
export function tokenPath(symbol: string): string {
  return `/tokens/${symbol.toLowerCase()}/`;
}

/** Normalised tag slug: lower-case, as used in /tags/<tag>/ URLs. */
export function tagSlug(tag: string): string {
  return tag.normalize('NFC').toLowerCase();
}

/** URL path of a tag page. */
export function tagPath(tag: string): string {
  return `/tags/${encodeURIComponent(tagSlug(tag))}/`;
}

/**
 * Splits text into plain runs and social tokens.
 * @example splitSocial('buy $OPG now') // ['buy ', {kind:'cashtag', text:'$OPG', value:'OPG'}, ' now']
 */
export function splitSocial(text: string): SocialSegment[] {
  const segments: SocialSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(SOCIAL_PATTERN)) {
    const start = match.index;
    if (start > last) segments.push(text.slice(last, start));
    const { cashtag, hashtag, mention } = match.groups ?? {};
    if (cashtag !== undefined) segments.push({ kind: 'cashtag', text: match[0], value: cashtag.toUpperCase() });
    else if (hashtag !== undefined) segments.push({ kind: 'hashtag', text: match[0], value: hashtag });
    else if (mention !== undefined) segments.push({ kind: 'mention', text: match[0], value: mention });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push(text.slice(last));
  return segments;
}

function linkNode(url: string, text: string, className: string, external: boolean): Link {
  return {
    type: 'link',
    url,
    children: [{ type: 'text', value: text }],
    data: {
      hProperties: external ? { className: [className], rel: ['noopener', 'external'] } : { className: [className] },
    },
  };
}

function toPhrasing(segment: SocialSegment, options: SocialLinkOptions): PhrasingContent {
  if (typeof segment === 'string') return { type: 'text', value: segment } satisfies Text;
  switch (segment.kind) {
    case 'cashtag':
      return linkNode(localizePath(tokenPath(segment.value), options.locale ?? 'en'), segment.text, 'cashtag', false);
    case 'hashtag':
      return linkNode(localizePath(tagPath(segment.value), options.locale ?? 'en'), segment.text, 'hashtag', false);
    case 'mention': {
      const url =
        (options.mentionUrl === undefined ? DEFAULT_MENTION_URL : options.mentionUrl)?.(segment.value) ?? null;
      if (url !== null) return linkNode(url, segment.text, 'mention', true);
      // A styled span keeps the handle visible without pretending it resolves.
      return {
        type: 'emphasis',
        children: [{ type: 'text', value: segment.text }],
        data: { hName: 'span', hProperties: { className: ['mention'] } },
      };
    }
  }
}

// Inside these, text is code or already a link: rewriting it would change meaning.
const SKIP = new Set(['link', 'linkReference', 'inlineCode', 'code', 'definition', 'html', 'yaml']);

function transform(parent: Parent, options: SocialLinkOptions): void {
  const next: Parent['children'] = [];
  let changed = false;
  for (const child of parent.children) {
    if (child.type === 'text') {
      const segments = splitSocial(child.value);
      if (segments.some((s) => typeof s !== 'string')) {
        changed = true;
        for (const segment of segments) next.push(toPhrasing(segment, options));
        continue;
      }
    } else if ('children' in child && !SKIP.has(child.type)) {
      transform(child, options);
    }
    next.push(child);
  }
  if (changed) parent.children = next;
}

/** The remark plugin: `unified({ remarkPlugins: [[remarkSocialLinks, options]] })`. */
export function remarkSocialLinks(options: SocialLinkOptions = {}): (tree: Root, file?: { path?: string }) => void {
  // A translation (src/content/posts/zh/...) links to the Chinese site's token and tag pages.
  return (tree, file) => transform(tree, { locale: contentLocale(file?.path), ...options });
}
