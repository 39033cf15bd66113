import { Chart } from 'chart.js';
import { optionLabel } from '../../lib/polls/labels';
import { messagesOf } from '../../lib/i18n/client';
import { DAY_MS, HOUR_MS, namePeriod, periodOf, type HistoryPoint } from '../../lib/polls/history';
import type { PollResults } from '../../lib/polls/results';
import { leaders } from '../../lib/polls/tally';
import { fitBarHeight, shareScale, showEmpty, timeScale, timeTooltip, wrappedCategories } from './axes';
import { htmlLegend, pageLang, prepareCharts, type ChartTheme } from './theme';

interface HistoryResponse {
  period: 'hour' | 'day';
  options: { id: string; label: string }[];
  points: HistoryPoint[];
}

type Words = ReturnType<typeof messagesOf<'pollCharts'>>;

async function fetchJson<T>(url: string): Promise<T | null> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  return response.ok ? ((await response.json()) as T) : null;
}

const colour = (theme: ChartTheme, i: number): string => theme.series[i % theme.series.length] ?? theme.text;

/**
 * The results as bars: the leader (by votes, not by rounded shares) in bold
 * and outlined; tied leaders all of them, each labelled "tie".
 */
function resultBars(results: PollResults, t: Words, lang: string) {
  const lead = new Set(leaders(results.options.map((o) => o.votes ?? 0)));
  const tie = lead.size > 1;
  return {
    lead,
    labels: results.options.map((o, i) =>
      tie && lead.has(i) ? t('pollCharts.tie', { label: optionLabel(o, lang) }) : optionLabel(o, lang),
    ),
    shares: results.options.map((o) => o.percent ?? 0),
  };
}

/** Draws the results bar chart and the sentiment-over-time line chart inside `root`. */
export async function mountPollCharts(root: HTMLElement): Promise<void> {
  const id = root.dataset.poll ?? '';
  const period = root.dataset.period === 'day' ? 'day' : 'hour';
  const t = messagesOf<'pollCharts'>(root);
  const lang = pageLang();
  const theme = prepareCharts(root);

  const base = `/api/polls/${encodeURIComponent(id)}`;
  const [results, history] = await Promise.all([
    fetchJson<PollResults>(base),
    fetchJson<HistoryResponse>(`${base}/history?period=${period}`),
  ]);
  if (!results || !results.resultsVisible) {
    root.querySelectorAll('.chart-box').forEach((box) => (box.textContent = t('pollCharts.hidden')));
    return;
  }

  // The history names options as the definition does; the results carry their translations.
  const label = (option: { id: string; label: string }): string => {
    const translated = results.options.find((o) => o.id === option.id);
    return translated ? optionLabel(translated, lang) : option.label;
  };
  const barCanvas = root.querySelector<HTMLCanvasElement>('canvas[data-chart="results"]');
  const lineCanvas = root.querySelector<HTMLCanvasElement>('canvas[data-chart="history"]');

  let shown = resultBars(results, t, lang);
  let bars: Chart<'bar'> | null = null;
  const drawBars = (latest: PollResults): void => {
    if (!barCanvas) return;
    shown = resultBars(latest, t, lang);
    if ((latest.totalVotes ?? 0) === 0) {
      showEmpty(barCanvas, t('chart.emptyVotes'));
      return;
    }
    showEmpty(barCanvas, null);
    fitBarHeight(barCanvas, shown.labels);
    if (bars) {
      bars.data.labels = shown.labels;
      const dataset = bars.data.datasets[0];
      if (dataset) dataset.data = shown.shares;
      bars.update();
      return;
    }
    bars = new Chart(barCanvas, {
      type: 'bar',
      data: {
        labels: shown.labels,
        datasets: [
          {
            label: t('pollCharts.share'),
            data: shown.shares,
            backgroundColor: latest.options.map((_, i) => colour(theme, i)),
            borderColor: theme.text,
            borderWidth: (context) => (shown.lead.has(context.dataIndex) ? 2 : 0),
            borderRadius: 4,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        onResize: (chart) => fitBarHeight(chart.canvas, shown.labels),
        plugins: { legend: { display: false } },
        scales: {
          x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
          y: wrappedCategories({
            ticks: {
              font: (context: { index: number }) => ({ weight: shown.lead.has(context.index) ? 'bold' : 'normal' }),
              color: (context: { index: number }) => (shown.lead.has(context.index) ? theme.text : theme.muted),
            },
          }),
        },
      },
    });
  };
  drawBars(results);

  const size = period === 'hour' ? HOUR_MS : DAY_MS;
  let lines: Chart<'line'> | null = null;
  const drawLines = (latest: HistoryResponse): void => {
    if (!lineCanvas) return;
    if (latest.points.length === 0) {
      showEmpty(lineCanvas, t('chart.emptyVotes'));
      return;
    }
    showEmpty(lineCanvas, null);
    // Each point at the hour or day its ballots were cast in, on an axis spaced by time.
    const at = latest.points.map((p) => periodOf(p.at, period));
    const datasets = latest.options.map((option, i) => ({
      label: label(option),
      data: latest.points.map((p, n) => ({ x: at[n] ?? 0, y: p.percent[i] ?? 0 })),
      borderColor: colour(theme, i),
      backgroundColor: colour(theme, i),
      tension: 0.25,
      pointRadius: latest.points.length > 40 ? 0 : latest.points.length === 1 ? 5 : 3,
      // A share of 0% or 100% sits on the axis's edge: drawn whole, not cut in half.
      clip: false as const,
    }));
    const x = timeScale(at, lang, 4 * size);
    if (lines) {
      lines.data.datasets = datasets;
      if (lines.options.scales) lines.options.scales.x = x;
      lines.update();
      return;
    }
    lines = new Chart(lineCanvas, {
      type: 'line',
      data: { datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { display: false }, tooltip: timeTooltip((start) => namePeriod(start, period, lang)) },
        scales: { x, y: shareScale(100) },
      },
    });
    htmlLegend(
      lineCanvas,
      latest.options.map((o, i) => ({ label: label(o), color: colour(theme, i) })),
    );
  };
  if (history) drawLines(history);

  // Live updates from the widget's stream: bars move at once, the history is re-read at most every 5 s.
  let refetch: ReturnType<typeof setTimeout> | null = null;
  document.addEventListener('poll:update', (event) => {
    const update = (event as CustomEvent<PollResults>).detail;
    if (update.id !== id || !update.resultsVisible) return;
    drawBars(update);
    if (lineCanvas && !refetch) {
      refetch = setTimeout(async () => {
        refetch = null;
        const next = await fetchJson<HistoryResponse>(`${base}/history?period=${period}`);
        if (next) drawLines(next);
      }, 5000);
    }
  });
}
