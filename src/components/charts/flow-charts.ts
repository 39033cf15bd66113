import { Chart } from 'chart.js';
import type { FlowChartsData } from '../../lib/flows/figures-presentation';
import { formatDate } from '../../lib/i18n/dates';
import { DAY_MS } from '../../lib/polls/history';
import { shareScale, timeScale, timeTooltip } from './axes';
import { MARKER_ROOM_PX, unlockMarkers } from './markers';
import { htmlLegend, pageLang, prepareCharts } from './theme';

/**
 * Draws the token page's flow charts (figures 1–4) from the JSON block in a <flow-charts> element. The server
 * has already put every word into the data, so this module carries no messages of its own.
 */
export function mountFlowCharts(root: HTMLElement): void {
  const data = JSON.parse(root.querySelector('[data-flow-data]')?.textContent ?? '{}') as FlowChartsData;
  const lang = pageLang();
  const theme = prepareCharts(root);
  const color = (i: number): string => theme.series[i % theme.series.length] ?? theme.text;
  const canvas = (name: string): HTMLCanvasElement | null => root.querySelector(`canvas[data-chart="${name}"]`);
  const whole = (v: number | string): string => Number(v).toLocaleString(lang, { maximumFractionDigits: 0 });
  const base = { maintainAspectRatio: false, animation: false as const };

  const cumulative = canvas('flows-cumulative');
  if (cumulative && data.cumulative) {
    const { times, series, unlocks, marker } = data.cumulative;
    new Chart(cumulative, {
      type: 'line',
      data: {
        datasets: series.map((s, n) => ({
          label: s.label,
          data: s.values.map((y, k) => ({ x: times[k] ?? 0, y })),
          borderColor: color(n),
          backgroundColor: color(n),
          pointRadius: times.length > 40 ? 0 : 3,
        })),
      },
      options: {
        ...base,
        layout: { padding: { top: unlocks.length > 0 ? MARKER_ROOM_PX : 0 } },
        plugins: { tooltip: timeTooltip((at) => formatDate(at, lang)) },
        scales: {
          x: timeScale([...times, ...unlocks.map((u) => u.at)], lang, 2 * DAY_MS),
          y: { ticks: { callback: whole } },
        },
      },
      plugins: unlocks.length > 0 ? [unlockMarkers(unlocks, theme.muted, marker)] : [],
    });
    htmlLegend(
      cumulative,
      series.map((s, n) => ({ label: s.label, color: color(n) })),
    );
  }

  const rewards = canvas('rewards');
  if (rewards && data.rewards) {
    const r = data.rewards;
    new Chart(rewards, {
      type: 'bar',
      data: {
        labels: r.labels,
        datasets: [
          { type: 'bar', label: r.paidLabel, data: r.paid, backgroundColor: color(0), yAxisID: 'y' },
          {
            type: 'line',
            label: r.top10Label,
            data: r.top10,
            borderColor: color(1),
            backgroundColor: color(1),
            yAxisID: 'share',
          },
        ],
      },
      options: {
        ...base,
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true } },
          y: { beginAtZero: true, ticks: { callback: whole } },
          share: shareScale(1, { position: 'right', grid: { drawOnChartArea: false } }),
        },
      },
    });
    htmlLegend(rewards, [
      { label: r.paidLabel, color: color(0) },
      { label: r.top10Label, color: color(1) },
    ]);
  }

  const unlocks = canvas('unlock-windows');
  if (unlocks && data.unlocks) {
    const u = data.unlocks;
    new Chart(unlocks, {
      type: 'bar',
      data: {
        labels: u.dayLabels,
        datasets: u.windows.map((w, n) => ({ label: w.label, data: w.daily, backgroundColor: color(n) })),
      },
      options: {
        ...base,
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true } },
          y: { beginAtZero: true, ticks: { callback: whole } },
        },
      },
    });
    htmlLegend(
      unlocks,
      u.windows.map((w, n) => ({ label: w.label, color: color(n) })),
    );
  }

  const exchanges = canvas('exchanges');
  if (exchanges && data.exchanges) {
    const e = data.exchanges;
    new Chart(exchanges, {
      type: 'bar',
      data: {
        labels: e.days,
        datasets: [
          { type: 'bar', label: e.labels.inflow, data: e.inflow, backgroundColor: color(0), stack: 'flow' },
          { type: 'bar', label: e.labels.outflow, data: e.outflow, backgroundColor: color(1), stack: 'flow' },
          {
            type: 'line',
            label: e.labels.net,
            data: e.net,
            borderColor: theme.text,
            backgroundColor: theme.text,
            pointRadius: 0,
          },
        ],
      },
      options: {
        ...base,
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: true, ticks: { callback: whole } },
        },
      },
    });
    htmlLegend(exchanges, [
      { label: e.labels.inflow, color: color(0) },
      { label: e.labels.outflow, color: color(1) },
      { label: e.labels.net, color: theme.text },
    ]);
  }
}
