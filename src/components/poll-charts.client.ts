import { defineLazyChart } from './charts/lazy';

defineLazyChart('poll-charts', async () => (await import('./charts/poll-charts')).mountPollCharts);
