import { Chart, LogarithmicScale, type ChartDataset } from 'chart.js';
import { formatPercent } from '../../lib/chain/format';
import { COHORTS } from '../../lib/chain/metrics';
import type { ChartData } from '../../lib/chain/presentation';
import { messagesOf } from '../../lib/i18n/client';
import { formatDate } from '../../lib/i18n/dates';
import { DAY_MS } from '../../lib/polls/history';
import { shareScale, showEmpty, timeScale, timeTooltip, unitScale } from './axes';
import { htmlLegend, pageLang, prepareCharts } from './theme';

// Only the token page draws on a log scale, so only its chunk carries it.
Chart.register(LogarithmicScale);

/** Labels only the powers of ten of a log axis; the steps between keep their grid lines. */
const decades = (format: (v: number) => string) => ({
  ticks: {
    callback: (v: string | number): string => {
      const exponent = Math.log10(Number(v));
      return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? format(Number(v)) : '';
    },
  },
});
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
  const times = data.points.map((p) => p.at);
  /** A series at each snapshot's moment; a log axis cannot place 0, so those points are a gap (the tables give them). */
  const line = (label: string, values: number[], i: number, positive = false): ChartDataset<'line'> => ({
    label,
    data: values.map((y, n) => ({ x: times[n] ?? 0, y: positive && y <= 0 ? Number.NaN : y })),
    borderColor: color(i),
    backgroundColor: color(i),
    pointRadius: values.length > 40 ? 0 : 3,
  });
  // Snapshots on an axis spaced by time: a two-week gap and a four-week gap look as they are.
  const common = {
    maintainAspectRatio: false,
    animation: false as const,
    plugins: { tooltip: timeTooltip((at) => formatDate(at, lang)) },
  };
  const x = () => timeScale(times, lang, 2 * DAY_MS);
  /** Charts of the snapshots say so when the scope has none, rather than drawing bare axes. */
  const timeChart = (name: string): HTMLCanvasElement | null => {
    const target = canvas(name);
    if (target && data.points.length === 0) {
      showEmpty(target, t('charts.empty'));
      return null;
    }
    return target;
  };

  const concentration = timeChart('concentration');
  if (concentration) {
    // The Gini coefficient is not a share: it gets its own 0–1 axis, on the right.
    const gini = {
      ...line(
        t('figure.gini'),
        data.points.map((p) => p.gini),
        1,
      ),
      yAxisID: 'gini',
      borderDash: [6, 4],
    };
    new Chart(concentration, {
      type: 'line',
      data: {
        datasets: [
          line(
            t('charts.top10Share'),
            data.points.map((p) => p.top10),
            0,
          ),
          gini,
        ],
      },
      options: {
        ...common,
        scales: {
          x: x(),
          y: shareScale(1, { position: 'left', title: { display: true, text: t('charts.top10Share') } }),
          gini: unitScale({
            position: 'right',
            grid: { drawOnChartArea: false },
            title: { display: true, text: t('figure.gini') },
          }),
        },
      },
    });
    htmlLegend(concentration, [
      { label: t('charts.top10Share'), color: color(0) },
      { label: t('charts.giniRight'), color: color(1) },
    ]);
  }
  const holders = timeChart('holders');
  if (holders) {
    new Chart(holders, {
      type: 'line',
      data: {
        datasets: [
          line(
            t('figure.holders'),
            data.points.map((p) => p.holders),
            2,
          ),
        ],
      },
      options: { ...common, scales: { x: x(), y: { beginAtZero: true } } },
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
    const target = timeChart(name);
    if (!target) return;
    new Chart(target, {
      type: 'line',
      data: {
        // Unclipped, so a line on the axis's edge (a cohort at 100%) draws in full rather than half hidden.
        datasets: COHORTS.map((c, i) => ({
          ...line(
            t(`cohortOne.${c}`),
            data.points.map((p) => pick(p.cohorts[c])),
            i,
            true,
          ),
          clip: false,
        })),
      },
      options: {
        ...common,
        scales: {
          x: x(),
          y: { type: 'logarithmic', min: y.min, ...(y.max ? { max: y.max } : {}), ...decades(y.format) },
        },
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
  if (lorenz && data.lorenz.length === 0) showEmpty(lorenz, t('charts.empty'));
  if (lorenz && data.lorenz.length > 0) {
    const steps = data.lorenz.map((_, i) => `${i}%`);
    const share = (label: string, values: number[], i: number): ChartDataset<'line'> => ({
      label,
      data: values,
      borderColor: color(i),
      backgroundColor: color(i),
      pointRadius: 0,
    });
    new Chart(lorenz, {
      type: 'line',
      data: {
        labels: steps,
        datasets: [
          share(t('charts.shareHeld'), data.lorenz, 0),
          {
            ...share(
              t('charts.equality'),
              data.lorenz.map((_, i) => i / 100),
              3,
            ),
            borderDash: [4, 4],
          },
        ],
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: shareScale(1) } },
    });
    htmlLegend(lorenz, [
      { label: t('charts.shareHeld'), color: color(0) },
      { label: t('charts.perfectEquality'), color: color(3) },
    ]);
  }
  const unlocks = canvas('unlocks');
  if (unlocks && data.unlocks.curve.length > 0) {
    // Vesting is a slope and a cliff a step only where dates are spaced as they are.
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
          x: timeScale(
            data.unlocks.curve.map((p) => p.x),
            lang,
            2 * DAY_MS,
          ),
          y: { beginAtZero: true },
        },
      },
    });
  }
}
