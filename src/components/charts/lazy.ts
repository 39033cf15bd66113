/**
 * Defines a custom element that loads its chart code only when it comes near
 * the viewport, so Chart.js never rides along with a page's first load.
 */
export function defineLazyChart(tag: string, load: () => Promise<(element: HTMLElement) => unknown>): void {
  if (customElements.get(tag)) return;
  customElements.define(
    tag,
    class extends HTMLElement {
      connectedCallback(): void {
        const observer = new IntersectionObserver(
          (entries) => {
            if (!entries.some((e) => e.isIntersecting)) return;
            observer.disconnect();
            void load().then((mount) => mount(this));
          },
          { rootMargin: '200px' },
        );
        observer.observe(this);
      }
    },
  );
}
