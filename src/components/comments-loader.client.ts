/**
 * Comments are read as server-rendered HTML; the code for posting, replying
 * and signing in is only needed once the discussion comes into view, so it
 * loads then instead of with the article. A click that beats the download is
 * held and replayed once the code is there.
 */
const element = document.querySelector('post-comments');
if (element) {
  let loaded = false;
  let loading: Promise<unknown> | null = null;
  const load = (): Promise<unknown> => (loading ??= import('./comments.client').then(() => (loaded = true)));
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      void load();
    },
    { rootMargin: '600px' },
  );
  observer.observe(element);
  element.addEventListener(
    'click',
    (event) => {
      if (loaded) return;
      const target = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('button, a') : null;
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      void load().then(() => target.click());
    },
    { capture: true },
  );
}
