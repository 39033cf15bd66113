import { COHORT_REFRESH_MS } from '../lib/cohorts/live';
import type { CohortResults } from '../lib/cohorts/present';
import { cohortLine } from '../lib/cohorts/summary';
import { messagesOf } from '../lib/i18n/client';
import type { PollResults } from '../lib/polls/results';

/**
 * What a token poll's cohorts add to the widget's summary line, kept
 * current. The live tally carries plain results only (the widget updates the
 * counts itself), so this part is rebuilt from GET /api/polls/<id>: at
 * most every COHORT_REFRESH_MS while votes come in (thousands of open
 * widgets must not turn each vote into thousands of reads), at once after
 * the reader's own vote, and again while the decisive wallets say they are
 * updating. The page's cohort charts follow the same read (poll:cohorts).
 */
const pending = new WeakMap<HTMLElement, ReturnType<typeof setTimeout>>();

export function refreshCohortLine(widget: HTMLElement, now: boolean): void {
  const waiting = pending.get(widget);
  if (waiting !== undefined && !now) return;
  clearTimeout(waiting);
  pending.delete(widget);
  if (now) {
    void refresh(widget);
    return;
  }
  pending.set(
    widget,
    setTimeout(() => {
      pending.delete(widget);
      void refresh(widget);
    }, COHORT_REFRESH_MS),
  );
}

async function refresh(widget: HTMLElement): Promise<void> {
  if (!widget.isConnected) return;
  try {
    const response = await fetch(`/api/polls/${encodeURIComponent(widget.dataset.poll ?? '')}`, {
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return;
    const results = (await response.json()) as PollResults & Partial<CohortResults>;
    const line = widget.querySelector<HTMLElement>('[data-cohort-line]');
    // The line's words in the page's language, rendered into it by the server.
    const words = cohortLine(results, {
      t: messagesOf<'cohortLine'>(line),
      lang: document.documentElement.lang || 'en',
    });
    if (line) line.hidden = words === null;
    const text = widget.querySelector('[data-cohort-text]');
    if (text && words !== null) text.textContent = words;
    widget.dispatchEvent(new CustomEvent('poll:cohorts', { detail: results, bubbles: true }));
    // Wallets worked out before the latest ballots: the line says so, and reads again for the fresh count.
    if (results.decisiveWallets?.updating === true) refreshCohortLine(widget, false);
  } catch {
    // A dropped request leaves the last line; the next change tries again.
  }
}
