import { defineLazyChart, foldChartTables } from './charts/lazy';

/**
 * <cohort-charts>: the poll page's results by cohort. With JavaScript the
 * option picker redraws the chart in place (the chart module takes the form
 * over once it is drawn; until then a change submits it, as without
 * JavaScript) and the history table folds under its chart.
 */
function prepare(root: HTMLElement): void {
  foldChartTables(root);
  const form = root.querySelector<HTMLFormElement>('[data-cohort-option-form]');
  const submit = form?.querySelector<HTMLElement>('[data-cohort-option-submit]');
  if (!form || !submit) return;
  submit.hidden = true;
  form.addEventListener('change', () => {
    if (form.dataset.live !== 'true') form.requestSubmit();
  });
}

defineLazyChart('cohort-charts', async () => (await import('./charts/cohort-charts')).mountCohortCharts, prepare);
