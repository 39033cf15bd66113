import { Chart } from 'chart.js';
import { optionLabel } from '../../lib/cohorts/summary';
import { messagesOf } from '../../lib/i18n/client';
import { formatChartTick } from '../../lib/polls/format';
import type { HistoryPoint } from '../../lib/polls/history';
import type { PollResults } from '../../lib/polls/results';
import { htmlLegend, pageLang, prepareCharts, shareLineOptions } from './theme';

interface HistoryResponse {
  period: 'hour' | 'day';
  options: { id: string; label: string }[];
  points: HistoryPoint[];
}

async function fetchJson<T>(url: string): Promise<T | null> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  return response.ok ? ((await response.json()) as T) : null;
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
  const bars = barCanvas
    ? new Chart(barCanvas, {
        type: 'bar',
        data: {
          labels: results.options.map((o) => optionLabel(o, lang)),
          datasets: [
            {
              label: t('pollCharts.share'),
              data: results.options.map((o) => o.percent ?? 0),
              backgroundColor: results.options.map((_, i) => theme.series[i % theme.series.length] ?? theme.text),
              borderRadius: 4,
            },
          ],
        },
        options: {
          indexAxis: 'y',
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
        },
      })
    : null;

  const lines =
    lineCanvas && history
      ? new Chart(lineCanvas, {
          type: 'line',
          data: {
            labels: history.points.map((p) => formatChartTick(p.at, period, lang)),
            datasets: history.options.map((option, i) => ({
              label: label(option),
              data: history.points.map((p) => p.percent[i] ?? 0),
              borderColor: theme.series[i % theme.series.length] ?? theme.text,
              backgroundColor: theme.series[i % theme.series.length] ?? theme.text,
              tension: 0.25,
              pointRadius: history.points.length > 40 ? 0 : 3,
            })),
          },
          options: shareLineOptions(),
        })
      : null;

  if (lineCanvas && history) {
    htmlLegend(
      lineCanvas,
      history.options.map((o, i) => ({ label: label(o), color: theme.series[i % theme.series.length] ?? theme.text })),
    );
  }

  // Live updates from the widget's stream: bars move at once, the history is re-read at most every 5 s.
  let refetch: ReturnType<typeof setTimeout> | null = null;
  document.addEventListener('poll:update', (event) => {
    const update = (event as CustomEvent<PollResults>).detail;
    if (update.id !== id || !update.resultsVisible) return;
    if (bars?.data.datasets[0]) {
      bars.data.datasets[0].data = update.options.map((o) => o.percent ?? 0);
      bars.update();
    }
    if (lines && !refetch) {
      refetch = setTimeout(async () => {
        refetch = null;
        const next = await fetchJson<HistoryResponse>(`${base}/history?period=${period}`);
        if (!next) return;
        lines.data.labels = next.points.map((p) => formatChartTick(p.at, period, lang));
        next.options.forEach((_, i) => {
          const dataset = lines.data.datasets[i];
          if (dataset) dataset.data = next.points.map((p) => p.percent[i] ?? 0);
        });
        lines.update();
      }, 5000);
    }
  });
}
