import { Chart } from 'chart.js';
import type { MetricSeries, SentimentVsChainData } from '../../lib/chain/presentation';
import { messagesOf } from '../../lib/i18n/client';
import { formatDate } from '../../lib/i18n/dates';
import { DAY_MS } from '../../lib/polls/history';
import { shareScale, timeScale, timeTooltip, unitScale } from './axes';
import { MARKER_ROOM_PX, unlockMarkers } from './markers';
import { htmlLegend, pageLang, prepareCharts } from './theme';

/** The axis a chain measure is drawn on: a share as a percentage, a coefficient from 0 to 1, a count from zero. */
function metricAxis(metric: { percent: boolean; bounded: boolean }, extra: Record<string, unknown> = {}) {
  if (metric.percent) return shareScale(1, extra);
  if (metric.bounded) return unitScale(extra);
  return { type: 'linear' as const, beginAtZero: true, ...extra };
}

/** Draws a <chain-chart>: one on-chain series, or poll shares (left axis) beside it (right axis), on one time axis. */
export function mountChainChart(root: HTMLElement): void {
  const canvas = root.querySelector('canvas');
  const raw = JSON.parse(root.querySelector('[data-chart-data]')?.textContent ?? '{}') as
    SentimentVsChainData | { series: MetricSeries };
  if (!canvas) return;
  const t = messagesOf<'chainChart'>(root);
  const lang = pageLang();
  const theme = prepareCharts(root);
  const color = (i: number): string => theme.series[i % theme.series.length] ?? theme.text;
  const tooltip = timeTooltip((at) => formatDate(at, lang));

  if ('series' in raw) {
    const { series } = raw;
    new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: series.label,
            data: series.points.map((p) => ({ x: p.at, y: p.value })),
            borderColor: color(0),
            backgroundColor: color(0),
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip },
        scales: {
          x: timeScale(
            series.points.map((p) => p.at),
            lang,
            2 * DAY_MS,
          ),
          y: metricAxis(series),
        },
      },
    });
    htmlLegend(canvas, [{ label: series.label, color: color(0) }]);
    return;
  }

  const metricIndex = raw.options.length;
  const times = [
    ...raw.options.flatMap((o) => o.points.map((p) => p.x)),
    ...(raw.metric?.points ?? []).map((p) => p.x),
    ...raw.unlocks.map((u) => u.at),
  ];
  new Chart(canvas, {
    type: 'line',
    plugins: raw.unlocks.length > 0 ? [unlockMarkers(raw.unlocks, theme.muted, t('chainChart.marker'))] : [],
    data: {
      datasets: [
        ...raw.options.map((o, i) => ({
          label: o.label,
          data: o.points,
          borderColor: color(i),
          backgroundColor: color(i),
          pointRadius: o.points.length === 1 ? 5 : 3,
          // A share of 0% sits on the axis's edge: drawn whole, not cut in half.
          clip: false as const,
          yAxisID: 'sentiment',
        })),
        ...(raw.metric
          ? [
              {
                label: raw.metric.label,
                data: raw.metric.points,
                borderColor: color(metricIndex),
                backgroundColor: color(metricIndex),
                borderDash: [6, 4],
                yAxisID: 'chain',
              },
            ]
          : []),
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: raw.unlocks.length > 0 ? MARKER_ROOM_PX : 0 } },
      // Answers and snapshots fall at different moments: the tooltip shows the nearest of each line.
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { tooltip },
      scales: {
        x: timeScale(times, lang, 2 * DAY_MS),
        sentiment: shareScale(1, { position: 'left', title: { display: true, text: t('chainChart.shareAxis') } }),
        ...(raw.metric
          ? {
              chain: metricAxis(raw.metric, {
                position: 'right',
                grid: { drawOnChartArea: false },
                title: { display: true, text: raw.metric.label },
              }),
            }
          : {}),
      },
    },
  });
  htmlLegend(canvas, [
    ...raw.options.map((o, i) => ({ label: o.label, color: color(i) })),
    ...(raw.metric
      ? [{ label: t('chainChart.rightAxis', { metric: raw.metric.label }), color: color(metricIndex) }]
      : []),
    ...(raw.unlocks.length > 0 ? [{ label: t('chainChart.unlockLegend'), color: theme.muted }] : []),
  ]);
}
