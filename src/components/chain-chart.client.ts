import { defineLazyChart } from './charts/lazy';

// The element may arrive later, inside a server island: custom elements upgrade whenever they appear.
defineLazyChart('chain-chart', async () => (await import('./charts/embed-charts')).mountChainChart);
