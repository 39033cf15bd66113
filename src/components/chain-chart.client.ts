import { defineLazyChart, foldChartTables } from './charts/lazy';

// The element may arrive later, inside a server island: custom elements upgrade whenever they appear. On the
// chart's own page its table starts open (for readers without JavaScript); with JavaScript it folds under the chart.
defineLazyChart(
  'chain-chart',
  async () => (await import('./charts/embed-charts')).mountChainChart,
  (element) => foldChartTables(element.closest('figure') ?? element),
);
