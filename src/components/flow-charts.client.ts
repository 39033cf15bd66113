import { defineLazyChart } from './charts/lazy';

defineLazyChart('flow-charts', async () => (await import('./charts/flow-charts')).mountFlowCharts);
