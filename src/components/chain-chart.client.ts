/** <chain-chart>: loads the Chart.js chunk when the chart scrolls into view (it may arrive inside a server island). */
class ChainChartElement extends HTMLElement {
  connectedCallback(): void {
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        void import('./charts/embed-charts').then(({ mountChainChart }) => mountChainChart(this));
      },
      { rootMargin: '200px' },
    );
    observer.observe(this);
  }
}

if (!customElements.get('chain-chart')) customElements.define('chain-chart', ChainChartElement);
