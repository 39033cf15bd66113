import { Chart, type Plugin } from 'chart.js';
import type { MetricSeries, SentimentVsChainData } from '../../lib/chain/presentation';
import { messagesOf } from '../../lib/i18n/client';
import { htmlLegend, prepareCharts } from './theme';

const asPercent = (v: string | number): string => `${Math.round(Number(v) * 100)}%`;

/**
 * A dotted vertical line at each unlock's day (a category of the x axis), so a
 * reader sees whether answers moved before or after it; the table names each.
 */
function unlockMarkers(
  days: readonly string[],
  marks: readonly { day: string }[],
  color: string,
  text: string,
): Plugin<'line'> {
  return {
    id: 'unlockMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area } = chart;
      const x = chart.scales.x;
      if (!x) return;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([2, 3]);
      ctx.font = '11px system-ui, sans-serif';
      for (const mark of marks) {
        const index = days.indexOf(mark.day);
        if (index < 0) continue;
        const px = x.getPixelForValue(index);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(text, px + 3, area.top + 11);
      }
      ctx.restore();
    },
  };
}

/** Draws a <chain-chart>: one on-chain series, or poll shares (left axis) beside it (right axis). */
export function mountChainChart(root: HTMLElement): void {
  const canvas = root.querySelector('canvas');
  const raw = JSON.parse(root.querySelector('[data-chart-data]')?.textContent ?? '{}') as
    SentimentVsChainData | { series: MetricSeries };
  if (!canvas) return;
  const t = messagesOf<'chainChart'>(root);
  const theme = prepareCharts(root);
  const color = (i: number): string => theme.series[i % theme.series.length] ?? theme.text;

  if ('series' in raw) {
    const { series } = raw;
    new Chart(canvas, {
      type: 'line',
      data: {
        labels: series.points.map((p) => p.day),
        datasets: [
          {
            label: series.label,
            data: series.points.map((p) => p.value),
            borderColor: color(0),
            backgroundColor: color(0),
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: series.percent ? { min: 0, max: 1, ticks: { callback: asPercent } } : { beginAtZero: true } },
      },
    });
    htmlLegend(canvas, [{ label: series.label, color: color(0) }]);
    return;
  }

  const metricIndex = raw.options.length;
  new Chart(canvas, {
    type: 'line',
    plugins: raw.unlocks.length > 0 ? [unlockMarkers(raw.days, raw.unlocks, theme.muted, t('chainChart.marker'))] : [],
    data: {
      labels: raw.days,
      datasets: [
        ...raw.options.map((o, i) => ({
          label: o.label,
          data: o.shares,
          borderColor: color(i),
          backgroundColor: color(i),
          spanGaps: true,
          yAxisID: 'sentiment',
        })),
        ...(raw.metric
          ? [
              {
                label: raw.metric.label,
                data: raw.metric.values,
                borderColor: color(metricIndex),
                backgroundColor: color(metricIndex),
                borderDash: [6, 4],
                spanGaps: true,
                yAxisID: 'chain',
              },
            ]
          : []),
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        sentiment: {
          type: 'linear',
          position: 'left',
          min: 0,
          max: 1,
          ticks: { callback: asPercent },
          title: { display: true, text: t('chainChart.shareAxis') },
        },
        ...(raw.metric
          ? {
              chain: {
                type: 'linear' as const,
                position: 'right' as const,
                grid: { drawOnChartArea: false },
                ...(raw.metric.percent ? { min: 0, max: 1, ticks: { callback: asPercent } } : { beginAtZero: true }),
                title: { display: true, text: raw.metric.label },
              },
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
