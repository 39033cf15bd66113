/** <token-charts>: loads the Chart.js chunk when the charts scroll into view. */
class TokenChartsElement extends HTMLElement {
  connectedCallback(): void {
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        void import('./charts/token-charts').then(({ mountTokenCharts }) => mountTokenCharts(this));
      },
      { rootMargin: '200px' },
    );
    observer.observe(this);
  }
}

if (!customElements.get('token-charts')) customElements.define('token-charts', TokenChartsElement);
