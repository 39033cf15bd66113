import { defineLazyChart } from './charts/lazy';

defineLazyChart('token-charts', async () => (await import('./charts/token-charts')).mountTokenCharts);
