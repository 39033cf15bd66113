import { Chart, LogarithmicScale, type ChartDataset } from 'chart.js';
import { COHORTS } from '../../lib/chain/metrics';
import { formatPercent } from '../../lib/chain/format';
import type { ChartData } from '../../lib/chain/presentation';
import { messagesOf } from '../../lib/i18n/client';
import { htmlLegend, pageLang, prepareCharts } from './theme';

// Only the token page draws on a log scale, so only its chunk carries it.
Chart.register(LogarithmicScale);

const day = (at: number): string => new Date(at).toISOString().slice(0, 10);
const percent = { ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` } };

/** Labels only the powers of ten of a log axis; the steps between keep their grid lines. */
const decades = (format: (v: number) => string) => ({
  ticks: {
    callback: (v: string | number): string => {
      const exponent = Math.log10(Number(v));
      return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? format(Number(v)) : '';
    },
  },
});
/** A log axis cannot place 0: those points are left out (a gap), and the tables give the exact figures. */
const positive = (values: number[]): (number | null)[] => values.map((v) => (v > 0 ? v : null));
const floorDecade = (values: number[], fallback: number): number => {
  const smallest = Math.min(...values.filter((v) => v > 0));
  return Number.isFinite(smallest) ? 10 ** Math.floor(Math.log10(smallest)) : fallback;
};

/** Draws every chart in a <token-charts> element from its JSON data block. */
export function mountTokenCharts(root: HTMLElement): void {
  const data = JSON.parse(root.querySelector('[data-chart-data]')?.textContent ?? '{}') as ChartData;
  const t = messagesOf<'tokenCharts'>(root);
  const lang = pageLang();
  const theme = prepareCharts(root);
  const color = (i: number): string => theme.series[i % theme.series.length] ?? theme.text;
  const canvas = (name: string): HTMLCanvasElement | null => root.querySelector(`canvas[data-chart="${name}"]`);
  const labels = data.points.map((p) => day(p.at));
  const line = (label: string, values: (number | null)[], i: number): ChartDataset<'line'> => ({
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
            t('charts.top10Share'),
            data.points.map((p) => p.top10),
            0,
          ),
          line(
            t('figure.gini'),
            data.points.map((p) => p.gini),
            1,
          ),
        ],
      },
      options: { ...common, scales: { y: { min: 0, max: 1, ...percent } } },
    });
    htmlLegend(concentration, [
      { label: t('charts.top10Share'), color: color(0) },
      { label: t('figure.gini'), color: color(1) },
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
            t('figure.holders'),
            data.points.map((p) => p.holders),
            2,
          ),
        ],
      },
      options: { ...common, scales: { y: { beginAtZero: true } } },
    });
  }
  const latest = data.points.at(-1);
  /** One line per cohort on a log axis, the latest figure of each in the legend. */
  const cohortChart = (
    name: string,
    pick: (stats: { holders: number; share: number }) => number,
    y: { min: number; max?: number; format: (v: number) => string },
    now: (v: number) => string,
  ): void => {
    const target = canvas(name);
    if (!target) return;
    new Chart(target, {
      type: 'line',
      data: {
        labels,
        // Unclipped, so a line on the axis's edge (a cohort at 100%) draws in full rather than half hidden.
        datasets: COHORTS.map((c, i) => ({
          ...line(t(`cohortOne.${c}`), positive(data.points.map((p) => pick(p.cohorts[c]))), i),
          clip: false,
        })),
      },
      options: {
        ...common,
        scales: { y: { type: 'logarithmic', min: y.min, ...(y.max ? { max: y.max } : {}), ...decades(y.format) } },
      },
    });
    htmlLegend(
      target,
      COHORTS.map((c, i) => ({
        label: t('charts.now', { cohort: t(`cohortOne.${c}`), value: now(latest ? pick(latest.cohorts[c]) : 0) }),
        color: color(i),
      })),
    );
  };
  const count = (v: number): string => v.toLocaleString(lang);
  cohortChart('cohort-counts', (s) => s.holders, { min: 1, format: count }, count);
  cohortChart(
    'cohort-shares',
    (s) => s.share,
    {
      min: floorDecade(
        data.points.flatMap((p) => COHORTS.map((c) => p.cohorts[c].share)),
        0.0001,
      ),
      max: 1,
      format: (v) => `${(v * 100).toLocaleString(lang, { maximumSignificantDigits: 1 })}%`,
    },
    formatPercent,
  );
  const lorenz = canvas('lorenz');
  if (lorenz && data.lorenz.length > 0) {
    const steps = data.lorenz.map((_, i) => `${i}%`);
    new Chart(lorenz, {
      type: 'line',
      data: {
        labels: steps,
        datasets: [
          { ...line(t('charts.shareHeld'), data.lorenz, 0), pointRadius: 0 },
          {
            ...line(
              t('charts.equality'),
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
      { label: t('charts.shareHeld'), color: color(0) },
      { label: t('charts.perfectEquality'), color: color(3) },
    ]);
  }
  const unlocks = canvas('unlocks');
  if (unlocks && data.unlocks.curve.length > 0) {
    // A time axis in epoch ms: vesting is a slope and a cliff a step only where dates are spaced as they are.
    new Chart(unlocks, {
      type: 'line',
      data: {
        datasets: [
          {
            label: t('charts.unlocked'),
            data: data.unlocks.curve,
            borderColor: color(4),
            backgroundColor: color(4),
            pointRadius: 2,
          },
        ],
      },
      options: {
        ...common,
        scales: {
          x: { type: 'linear', ticks: { callback: (v: string | number) => day(Number(v)), maxTicksLimit: 6 } },
          y: { beginAtZero: true },
        },
      },
    });
  }
}
