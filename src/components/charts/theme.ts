import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

// Only what the site's charts use, so the chunk stays small (no chart.js/auto). Legends
// are plain HTML (htmlLegend below): lighter, and readable by everyone.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** Chart colours from the page's CSS custom properties, so charts follow light and dark mode. */
export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  series: string[];
}

const SERIES_LIGHT = [
  '#0b6e5f',
  '#b4541a',
  '#3f5bd9',
  '#a3327a',
  '#6b7a1f',
  '#0f7fa6',
  '#8a4b00',
  '#5a4bb3',
  '#b22d3f',
  '#2f6b3a',
];
const SERIES_DARK = [
  '#5fd1b9',
  '#f0a36b',
  '#93a8ff',
  '#e48cc7',
  '#c3d45b',
  '#6fd0f2',
  '#f3b461',
  '#b6a8ff',
  '#ff8f9d',
  '#8fd49c',
];

export function chartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    text: style.getPropertyValue('--text').trim() || '#1c1b19',
    muted: style.getPropertyValue('--muted').trim() || '#5b5852',
    grid: style.getPropertyValue('--border').trim() || '#e3dfd6',
    series: dark ? SERIES_DARK : SERIES_LIGHT,
  };
}

/** The page's language (`<html lang>`), for numbers, dates and lists a chart draws. */
export const pageLang = (): string => document.documentElement.lang || 'en';

/**
 * Points Chart.js's defaults at the page's colours, font and language (its
 * own tick and tooltip numbers); returns the palette for datasets.
 */
export function prepareCharts(root: Element): ChartTheme {
  const theme = chartTheme(root);
  Chart.defaults.locale = pageLang();
  Chart.defaults.color = theme.muted;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  return theme;
}

/** A legend in plain HTML after the chart: lighter than Chart.js's plugin, and readable by everyone. */
export function htmlLegend(canvas: HTMLCanvasElement, entries: { label: string; color: string }[]): void {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  for (const entry of entries) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = entry.color;
    item.append(swatch, entry.label);
    list.append(item);
  }
  canvas.parentElement?.after(list);
}
