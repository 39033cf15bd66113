import { Chart, type ChartDataset } from 'chart.js';
import type { ChartData } from '../../lib/chain/presentation';
import { htmlLegend, prepareCharts } from './theme';

const day = (at: number): string => new Date(at).toISOString().slice(0, 10);
const percent = { ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` } };

/** Draws every chart in a <token-charts> element from its JSON data block. */
export function mountTokenCharts(root: HTMLElement): void {
  const data = JSON.parse(root.querySelector('[data-chart-data]')?.textContent ?? '{}') as ChartData;
  const theme = prepareCharts(root);
  const color = (i: number): string => theme.series[i % theme.series.length] ?? theme.text;
  const canvas = (name: string): HTMLCanvasElement | null => root.querySelector(`canvas[data-chart="${name}"]`);
  const labels = data.points.map((p) => day(p.at));
  const line = (label: string, values: number[], i: number): ChartDataset<'line'> => ({
    label,
    data: values,
    borderColor: color(i),
    backgroundColor: color(i),
    pointRadius: values.length > 40 ? 0 : 3,
  });
  const common = { maintainAspectRatio: false, animation: false as const };

  const concentration = canvas('concentration');
  if (concentration) {
    new Chart(concentration, {
      type: 'line',
      data: {
        labels,
        datasets: [
          line(
            'Top-10 share',
            data.points.map((p) => p.top10),
            0,
          ),
          line(
            'Gini',
            data.points.map((p) => p.gini),
            1,
          ),
        ],
      },
      options: { ...common, scales: { y: { min: 0, max: 1, ...percent } } },
    });
    htmlLegend(concentration, [
      { label: 'Top-10 share', color: color(0) },
      { label: 'Gini', color: color(1) },
    ]);
  }
  const holders = canvas('holders');
  if (holders) {
    new Chart(holders, {
      type: 'line',
      data: {
        labels,
        datasets: [
          line(
            'Holders',
            data.points.map((p) => p.holders),
            2,
          ),
        ],
      },
      options: { ...common, scales: { y: { beginAtZero: true } } },
    });
  }
  const cohorts = canvas('cohorts');
  if (cohorts) {
    new Chart(cohorts, {
      type: 'bar',
      data: {
        labels,
        datasets: (['whale', 'dolphin', 'fish', 'shrimp'] as const).map((c, i) => ({
          label: c,
          data: data.points.map((p) => p.cohorts[c]),
          backgroundColor: color(i),
        })),
      },
      options: { ...common, scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 1, ...percent } } },
    });
    htmlLegend(
      cohorts,
      (['whale', 'dolphin', 'fish', 'shrimp'] as const).map((c, i) => ({ label: c, color: color(i) })),
    );
  }
  const lorenz = canvas('lorenz');
  if (lorenz && data.lorenz.length > 0) {
    const steps = data.lorenz.map((_, i) => `${i}%`);
    new Chart(lorenz, {
      type: 'line',
      data: {
        labels: steps,
        datasets: [
          { ...line('Share held', data.lorenz, 0), pointRadius: 0 },
          {
            ...line(
              'Equality',
              data.lorenz.map((_, i) => i / 100),
              3,
            ),
            pointRadius: 0,
            borderDash: [4, 4],
          },
        ],
      },
      options: { ...common, scales: { y: { min: 0, max: 1, ...percent } } },
    });
    htmlLegend(lorenz, [
      { label: 'Share held', color: color(0) },
      { label: 'Perfect equality', color: color(3) },
    ]);
  }
  const unlocks = canvas('unlocks');
  if (unlocks && data.unlocks.length > 0) {
    new Chart(unlocks, {
      type: 'line',
      data: {
        labels: data.unlocks.map((u) => day(u.at)),
        datasets: [
          {
            ...line(
              'Unlocked',
              data.unlocks.map((u) => u.circulating),
              4,
            ),
            stepped: true,
          },
        ],
      },
      options: { ...common, scales: { y: { beginAtZero: true } } },
    });
  }
}
