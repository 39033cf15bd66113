/**
 * <poll-charts>: loads Chart.js only when the charts scroll into view, so the
 * page's first load carries none of it.
 */
class PollChartsElement extends HTMLElement {
  connectedCallback(): void {
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        void import('./charts/poll-charts').then(({ mountPollCharts }) => mountPollCharts(this));
      },
      { rootMargin: '200px' },
    );
    observer.observe(this);
  }
}

if (!customElements.get('poll-charts')) customElements.define('poll-charts', PollChartsElement);
