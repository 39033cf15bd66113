/**
 * Defines a custom element that loads its chart code only when it comes near
 * the viewport, so Chart.js never rides along with a page's first load.
 * `prepare`, if given, runs at once when an element connects: what the page
 * needs from JavaScript before any chart is drawn.
 */
export function defineLazyChart(
  tag: string,
  load: () => Promise<(element: HTMLElement) => unknown>,
  prepare?: (element: HTMLElement) => void,
): void {
  if (customElements.get(tag)) return;
  customElements.define(
    tag,
    class extends HTMLElement {
      connectedCallback(): void {
        prepare?.(this);
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

/** Folds the table alternatives that stay open for readers without JavaScript (ChartTable's openWithoutScript). */
export function foldChartTables(root: ParentNode): void {
  root.querySelectorAll<HTMLDetailsElement>('details[data-open-without-script]').forEach((d) => (d.open = false));
}
