import type { Element, ElementContent, Root, RootContent } from 'hast';
import { translator } from '../i18n/i18n.ts';
import { contentLocale } from './content-locale.ts';

/**
 * GFM footnotes are labelled by remark-rehype once for every file, in
 * English; this rehype plugin relabels them in the post's own language (the
 * hidden "Footnotes" heading and each back-link's name).
 */
export function rehypeFootnoteLabels(): (tree: Root, file?: { path?: string }) => void {
  return (tree, file) => {
    const i = translator(contentLocale(file?.path));
    if (i.locale === 'en') return;
    const visit = (node: Root | RootContent): void => {
      if (node.type !== 'element' && node.type !== 'root') return;
      if (node.type === 'element') relabel(node, i);
      for (const child of node.children) visit(child);
    };
    visit(tree);
  };
}

function relabel(node: Element, i: ReturnType<typeof translator>): void {
  if (node.tagName === 'h2' && node.properties.id === 'footnote-label') {
    node.children = [{ type: 'text', value: i.t('post.footnotes') } satisfies ElementContent];
  }
  const label = node.properties.ariaLabel;
  if (node.tagName === 'a' && 'dataFootnoteBackref' in node.properties && typeof label === 'string') {
    const number = /(\d+(?:-\d+)?)$/.exec(label)?.[1] ?? '';
    node.properties.ariaLabel = i.t('post.backToReference', { n: number });
  }
}
