/**
 * <site-search>: runs the query in ?q= against the Pagefind index built with
 * the site (/pagefind/pagefind.js, loaded on this page only) and lists what it
 * finds. The form itself is a plain GET form, so a new query is a new page.
 */

interface PagefindResult {
  data(): Promise<{ url: string; excerpt: string; meta: { title?: string; kind?: string } }>;
}
interface Pagefind {
  search(query: string): Promise<{ results: PagefindResult[] }>;
}

import { messagesOf } from '../lib/i18n/client';

const SHOWN = 20;

class SiteSearchElement extends HTMLElement {
  connectedCallback(): void {
    this.querySelector<HTMLElement>('[data-search-needs-script]')?.remove();
    const query = new URLSearchParams(location.search).get('q')?.trim() ?? '';
    const input = this.querySelector<HTMLInputElement>('input[name="q"]');
    if (input) input.value = query;
    if (query !== '') void this.run(query);
    else input?.focus();
  }

  private async run(query: string): Promise<void> {
    const status = this.querySelector<HTMLElement>('[data-search-status]');
    const list = this.querySelector<HTMLOListElement>('[data-search-results]');
    if (!status || !list) return;
    const t = messagesOf<'search'>(this);
    status.textContent = t('searchPage.searching');
    try {
      // The index is written at build time beside the pages; a variable keeps the bundler from resolving it.
      const url = '/pagefind/pagefind.js';
      const pagefind = (await import(/* @vite-ignore */ url)) as Pagefind;
      const { results } = await pagefind.search(query);
      const found = await Promise.all(results.slice(0, SHOWN).map((r) => r.data()));
      list.replaceChildren(
        ...found.map((item) => {
          const li = document.createElement('li');
          const kind = document.createElement('span');
          kind.className = 'search-kind';
          kind.textContent = item.meta.kind ?? t('searchPage.kind.post');
          const link = document.createElement('a');
          link.href = item.url;
          link.textContent = item.meta.title ?? item.url;
          const excerpt = document.createElement('p');
          excerpt.className = 'search-excerpt';
          // Pagefind's excerpt is the page's own text, escaped, with <mark> around the matches.
          excerpt.innerHTML = item.excerpt;
          const heading = document.createElement('h2');
          heading.append(link);
          li.append(kind, heading, excerpt);
          return li;
        }),
      );
      const more = results.length > SHOWN ? t('searchPage.more', { shown: SHOWN }) : '';
      const summary = results.length === 1 ? 'searchPage.found.one' : 'searchPage.found.other';
      status.textContent =
        results.length === 0 ? t('searchPage.none', { query }) : t(summary, { count: results.length, query, more });
    } catch {
      status.textContent = t('searchPage.unavailable');
    }
  }
}

customElements.define('site-search', SiteSearchElement);
