import { defineLazyChart, foldChartTables } from './charts/lazy';

defineLazyChart('poll-charts', async () => (await import('./charts/poll-charts')).mountPollCharts, foldChartTables);
