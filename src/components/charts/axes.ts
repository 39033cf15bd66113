import { Chart, type Scale, type TooltipItem } from 'chart.js';
import { wrapLabel } from '../../lib/charts/labels';
import { timeDomain, timeTicks } from '../../lib/charts/time-axis';

/** Room each tick label of a time axis needs, so the ticks chosen never crowd (or get skipped). */
const TICK_SPACING_PX = 84;

/**
 * A time axis without a date adapter: a linear axis over epoch milliseconds
 * spanning `times` (at least `minSpan`, centred on a lone point), with ticks
 * at round UTC moments labelled in the page's language (time-axis.ts).
 */
export function timeScale(times: readonly number[], lang: string, minSpan: number) {
  const now = Date.now();
  const domain = timeDomain(times, minSpan) ?? { min: now - minSpan, max: now };
  const labels = new Map<number, string[]>();
  return {
    type: 'linear' as const,
    min: domain.min,
    max: domain.max,
    bounds: 'data' as const,
    afterBuildTicks(scale: Scale): void {
      const ticks = timeTicks(domain.min, domain.max, Math.max(2, Math.floor(scale.width / TICK_SPACING_PX)), lang);
      labels.clear();
      for (const tick of ticks) labels.set(tick.at, tick.label);
      scale.ticks = ticks.map((tick) => ({ value: tick.at }));
    },
    ticks: {
      callback: (value: number | string): string | string[] => labels.get(Number(value)) ?? '',
      maxRotation: 0,
    },
  };
}

/** A tooltip whose title names the moment of the point under it, as `name` words it. */
export function timeTooltip(name: (at: number) => string) {
  return {
    callbacks: {
      title: (items: TooltipItem<'line'>[]): string => {
        const at = items[0]?.parsed.x;
        return typeof at === 'number' ? name(at) : '';
      },
    },
  };
}

/**
 * A 0-to-`top` axis with ticks at every tenth and a little room above the
 * last, unlabelled, so a line at 99% does not run along the chart's top edge.
 */
function boundedScale(top: number, label: (v: number) => string, extra: Record<string, unknown>) {
  return {
    type: 'linear' as const,
    min: 0,
    max: top * 1.06,
    afterBuildTicks: (scale: Scale): void => {
      scale.ticks = Array.from({ length: 11 }, (_, n) => ({ value: (top * n) / 10 }));
    },
    ticks: { callback: (v: number | string): string => label(Number(v)) },
    ...extra,
  };
}

/** A share axis, 0 to 100%: of fractions (`top` 1) or of whole percentages (`top` 100). */
export const shareScale = (top: 1 | 100, extra: Record<string, unknown> = {}) =>
  boundedScale(top, (v) => `${Math.round((v * 100) / top)}%`, extra);

/** A coefficient between 0 and 1 (Gini, HHI): its own axis, in decimals, never as a percentage. */
export const unitScale = (extra: Record<string, unknown> = {}) => boundedScale(1, (v) => v.toFixed(1), extra);

/** The widest a bar chart's category labels may be: Chart.js gives its side axis at most half the canvas. */
const labelWidth = (chartWidth: number): number => Math.max(64, chartWidth / 2 - 16);
const LINE_HEIGHT_PX = 15;

/** Measures text as the chart's category labels draw it (bold, the widest they get). */
function measurer(context: CanvasRenderingContext2D): (text: string) => number {
  const { size, family } = Chart.defaults.font;
  const font = `bold ${size ?? 12}px ${family ?? 'sans-serif'}`;
  // Chart.js sets the font again before it draws anything, so this one need not be put back.
  return (text) => {
    context.font = font;
    return context.measureText(text).width;
  };
}

/**
 * Options for a horizontal bar chart's category axis whose labels wrap onto
 * as many lines as they need to fit beside the bars (never cut at the
 * canvas's left edge), in any script: Chinese breaks between characters.
 */
export function wrappedCategories(extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    ticks: {
      ...((extra.ticks as Record<string, unknown> | undefined) ?? {}),
      callback(this: Scale, value: number | string): string[] {
        const label = String(this.getLabelForValue(Number(value)));
        return wrapLabel(label, labelWidth(this.chart.width), measurer(this.ctx));
      },
    },
  };
}

/**
 * Sets a horizontal bar chart's height from its labels: each bar gets room
 * for its label's lines, so wrapped labels never overlap. Called before the
 * chart is made and whenever its width changes.
 */
export function fitBarHeight(canvas: HTMLCanvasElement, labels: readonly string[], axisPx = 44): void {
  const box = canvas.parentElement;
  const context = canvas.getContext('2d');
  if (!box || !context || box.clientWidth === 0) return;
  const measure = measurer(context);
  const rows = labels.map((label) => wrapLabel(label, labelWidth(box.clientWidth), measure).length);
  const height = Math.ceil(rows.reduce((sum, lines) => sum + Math.max(40, lines * LINE_HEIGHT_PX + 18), 0) + axisPx);
  if (Math.abs(box.clientHeight - height) > 2) box.style.height = `${height}px`;
}

/**
 * A chart with nothing to draw says so in words where the chart would be, as
 * the on-chain charts do ("nothing to chart"), instead of drawing bare axes;
 * `text` null puts the chart back.
 */
export function showEmpty(canvas: HTMLCanvasElement, text: string | null): void {
  const box = canvas.parentElement;
  if (!box) return;
  let notice = box.parentElement?.querySelector<HTMLElement>(':scope > [data-chart-empty]') ?? null;
  const legend = box.nextElementSibling;
  // The legend is a flex list: its own display would override `hidden`.
  if (legend instanceof HTMLElement && legend.classList.contains('chart-legend')) {
    legend.style.display = text === null ? '' : 'none';
  }
  box.hidden = text !== null;
  if (text === null) {
    notice?.remove();
    return;
  }
  if (!notice) {
    notice = document.createElement('p');
    notice.className = 'notice';
    notice.dataset.chartEmpty = '';
    box.before(notice);
  }
  notice.textContent = text;
}
