import { Chart } from 'chart.js';
import type { CohortId } from '../../lib/cohorts/cohorts';
import { shareTable, type CohortHistory } from '../../lib/cohorts/history';
import type { CohortResults } from '../../lib/cohorts/present';
import { optionLabel } from '../../lib/cohorts/summary';
import { messagesOf } from '../../lib/i18n/client';
import { DAY_MS, formatPeriod, HOUR_MS, namePeriod, periodOf } from '../../lib/polls/history';
import type { PollResults } from '../../lib/polls/results';
import { fitBarHeight, shareScale, showEmpty, timeScale, timeTooltip, wrappedCategories } from './axes';
import { htmlLegend, pageLang, prepareCharts, type ChartTheme } from './theme';

/** The page's words for the cohort charts (the server rendered them into <cohort-charts>). */
type Words = ReturnType<typeof messagesOf<'cohortCharts'>>;

type Results = PollResults & Partial<CohortResults>;
interface HistoryResponse extends CohortHistory {
  options: { id: string; label: string }[];
}

/** How often, at most, a live page re-reads the cohort history. */
const HISTORY_REFRESH_MS = 5000;

async function fetchJson<T>(url: string): Promise<T | null> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  return response.ok ? ((await response.json()) as T) : null;
}

const colour = (theme: ChartTheme, i: number): string => theme.series[i % theme.series.length] ?? theme.text;
/**
 * A cohort keeps its colour whichever cohorts are shown, neighbours in size
 * get palette entries far apart, and ballots without a wallet are grey.
 */
const COHORT_SERIES: Readonly<Record<CohortId, number | null>> = {
  whale: 0,
  dolphin: 2,
  fish: 1,
  shrimp: 3,
  insiders: 4,
  none: 5,
  unverified: null,
};
const cohortColour = (theme: ChartTheme, id: CohortId): string => {
  const i = COHORT_SERIES[id];
  return i === null ? theme.muted : colour(theme, i);
};

/** The cohorts the stacked bars show: hidden ones and empty ones left out, as in the page's table. */
function charted(results: Results) {
  return (results.cohorts ?? []).filter((c) => !c.hidden && (c.voters ?? 0) > 0);
}

function stackedData(results: Results, theme: ChartTheme, t: Words, lang: string) {
  const cohorts = charted(results);
  return {
    labels: cohorts.map((c) => t(`cohort.${c.id}`)),
    datasets: results.options.map((option, i) => ({
      label: optionLabel(option, lang),
      data: cohorts.map((c) => c.options.find((o) => o.id === option.id)?.percent ?? 0),
      backgroundColor: colour(theme, i),
    })),
  };
}

function historyData(history: HistoryResponse, optionId: string, period: 'hour' | 'day', theme: ChartTheme, t: Words) {
  const table = shareTable(
    history,
    history.options.map((o) => o.id),
    optionId,
  );
  // Each moment at the hour or day its ballots were cast in, on an axis spaced by time.
  const at = table.rows.map((r) => periodOf(r.at, period));
  return {
    table,
    at,
    datasets: table.cohorts.map((c, i) => ({
      label: t(`cohort.${c.id}`),
      // NaN leaves a gap where the cohort is hidden at that moment.
      data: table.rows.map((r, n) => ({ x: at[n] ?? 0, y: r.shares[i] ?? Number.NaN })),
      borderColor: cohortColour(theme, c.id),
      backgroundColor: cohortColour(theme, c.id),
      tension: 0.25,
      spanGaps: false,
      pointRadius: table.rows.length > 40 ? 0 : table.rows.length === 1 ? 5 : 3,
      // A share of 0% or 100% sits on the axis's edge: drawn whole, not cut in half.
      clip: false as const,
    })),
  };
}

/** Rewrites the history table under the chart for another option. */
function renderTable(
  root: HTMLElement,
  data: ReturnType<typeof historyData>,
  period: 'hour' | 'day',
  t: Words,
  lang: string,
): void {
  const table = root.querySelector<HTMLTableElement>('[data-cohort-history-table]');
  if (!table) return;
  const cell = (tag: 'th' | 'td', text: string, numeric: boolean): HTMLElement => {
    const element = document.createElement(tag);
    element.textContent = text;
    if (numeric) element.className = 'num';
    return element;
  };
  const head = document.createElement('tr');
  head.append(
    cell('th', t(period === 'hour' ? 'history.hour' : 'history.day'), false),
    ...data.table.cohorts.map((c) => cell('th', t(`cohort.${c.id}`), true)),
  );
  head.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'col'));
  table.tHead?.replaceChildren(head);
  table.tBodies[0]?.replaceChildren(
    ...data.table.rows.map((row) => {
      const tr = document.createElement('tr');
      const at = cell('th', formatPeriod(row.at, period, lang), false);
      at.setAttribute('scope', 'row');
      tr.append(at, ...row.shares.map((s) => cell('td', s === null ? '–' : `${s}%`, true)));
      return tr;
    }),
  );
}

/** Draws the stacked bars of shares per cohort and sentiment by cohort over time inside `root`. */
export async function mountCohortCharts(root: HTMLElement): Promise<void> {
  const id = root.dataset.poll ?? '';
  const period = root.dataset.period === 'day' ? 'day' : 'hour';
  let optionId = root.dataset.option ?? '';
  const t = messagesOf<'cohortCharts'>(root);
  const lang = pageLang();
  const theme = prepareCharts(root);
  const base = `/api/polls/${encodeURIComponent(id)}`;
  const historyUrl = `${base}/history?by=cohort&period=${period}`;
  const [results, first] = await Promise.all([fetchJson<Results>(base), fetchJson<HistoryResponse>(historyUrl)]);
  if (!results?.resultsVisible || !results.cohorts) return;

  const barCanvas = root.querySelector<HTMLCanvasElement>('canvas[data-chart="cohorts"]');
  let bars: Chart<'bar'> | null = null;
  const drawBars = (latest: Results): void => {
    if (!barCanvas) return;
    const data = stackedData(latest, theme, t, lang);
    if (data.labels.length === 0) {
      showEmpty(barCanvas, t('chart.emptyVotes'));
      return;
    }
    showEmpty(barCanvas, null);
    fitBarHeight(barCanvas, data.labels);
    if (bars) {
      bars.data = data;
      bars.update();
      return;
    }
    bars = new Chart(barCanvas, {
      type: 'bar',
      data,
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        onResize: (chart) => fitBarHeight(chart.canvas, (chart.data.labels ?? []).map(String)),
        plugins: { legend: { display: false } },
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
          y: wrappedCategories({ stacked: true }),
        },
      },
    });
    htmlLegend(
      barCanvas,
      latest.options.map((o, i) => ({ label: optionLabel(o, lang), color: colour(theme, i) })),
    );
  };
  drawBars(results);

  const lineCanvas = root.querySelector<HTMLCanvasElement>('canvas[data-chart="cohort-history"]');
  if (!lineCanvas || !first) return;
  let latest = first;
  const size = period === 'hour' ? HOUR_MS : DAY_MS;
  let shown = historyData(latest, optionId, period, theme, t);
  const lines = new Chart(lineCanvas, {
    type: 'line',
    data: { datasets: shown.datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { display: false }, tooltip: timeTooltip((start) => namePeriod(start, period, lang)) },
      scales: { x: timeScale(shown.at, lang, 4 * size), y: shareScale(100) },
    },
  });
  const legend = (): void => {
    const old = lineCanvas.parentElement?.nextElementSibling;
    if (old?.classList.contains('chart-legend')) old.remove();
    htmlLegend(
      lineCanvas,
      shown.table.cohorts.map((c) => ({ label: t(`cohort.${c.id}`), color: cohortColour(theme, c.id) })),
    );
  };
  legend();
  const redraw = (): void => {
    const before = shown.table.cohorts.map((c) => c.id).join();
    shown = historyData(latest, optionId, period, theme, t);
    lines.data.datasets = shown.datasets;
    if (lines.options.scales) lines.options.scales.x = timeScale(shown.at, lang, 4 * size);
    lines.update();
    renderTable(root, shown, period, t, lang);
    if (shown.table.cohorts.map((c) => c.id).join() !== before) legend();
  };

  // The picker now redraws in place.
  const form = root.querySelector<HTMLFormElement>('[data-cohort-option-form]');
  const select = root.querySelector<HTMLSelectElement>('[data-cohort-option]');
  const caption = lineCanvas.closest('figure')?.querySelector('figcaption');
  if (form) form.dataset.live = 'true';
  select?.addEventListener('change', () => {
    optionId = select.value;
    const label = select.selectedOptions[0]?.textContent?.trim() ?? '';
    if (caption) caption.textContent = caption.textContent?.replace(/“[^”]*”/, `“${label}”`) ?? '';
    const url = new URL(location.href);
    url.searchParams.set('option', optionId);
    history.replaceState(null, '', url);
    redraw();
  });

  // Live: the widget re-reads the cohort figures after votes (poll:cohorts); the history follows at most every 5 s.
  let refetch: ReturnType<typeof setTimeout> | null = null;
  document.addEventListener('poll:cohorts', (event) => {
    const update = (event as CustomEvent<Results>).detail;
    if (update.id !== id || !update.resultsVisible || !update.cohorts) return;
    drawBars(update);
    refetch ??= setTimeout(async () => {
      refetch = null;
      const next = await fetchJson<HistoryResponse>(historyUrl);
      if (!next) return;
      latest = next;
      redraw();
    }, HISTORY_REFRESH_MS);
  });
}
