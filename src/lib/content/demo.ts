import type { Loader } from 'astro/loaders';

/**
 * A collection loader that drops entries marked `demo: true` when the demo is
 * off, so every page and island that reads the collection (lists, RSS, the
 * sitemap, token pages, embeds) sees the site without it. Collections are
 * loaded at build time: DEMO=off takes effect with the next build. (Under
 * `astro dev`, a demo file edited while the server runs comes back until it
 * restarts: the watcher reloads it without this filter.)
 */
export function withoutDemo(loader: Loader, demoShown: boolean): Loader {
  if (demoShown) return loader;
  return {
    ...loader,
    name: `${loader.name}-without-demo`,
    async load(context) {
      await loader.load(context);
      for (const [id, entry] of context.store.entries()) {
        if ((entry.data as { demo?: unknown }).demo === true) context.store.delete(id);
      }
    },
  };
}
