import { countsKey } from '../lib/cohorts/live';
import { messagesOf } from '../lib/i18n/client';
import { describeStatus, formatVotes, leaders, type PollWords } from '../lib/polls/format';
import { localLabel } from '../lib/polls/labels';
import { toLocale } from '../lib/i18n/locales';
import type { PollResults } from '../lib/polls/results';
import { follow, reopen } from './poll-live.client';

/**
 * <poll-widget>: enhances the server-rendered poll. Votes go through the JSON
 * API instead of a page load, and results follow the page's live stream
 * (poll-live.client). A custom element, so it also wakes up when a server
 * island inserts it later.
 */
class PollWidgetElement extends HTMLElement {
  private unfollow: (() => void) | null = null;
  private myVote: string[] | null = null;
  private lastResults: PollResults | null = null;
  /** The counts a token poll's cohort line was last asked for (the server's, in data-counts, before that). */
  private cohortCounts: string | null = null;

  /** The widget's words, in the page's language (rendered into data-messages). */
  private words: PollWords = { t: messagesOf<'poll'>(null), lang: 'en' };

  get pollId(): string {
    return this.dataset.poll ?? '';
  }

  connectedCallback(): void {
    this.words = { t: messagesOf<'poll'>(this), lang: document.documentElement.lang || 'en' };
    const mine = [...this.querySelectorAll<HTMLElement>('[data-mine="true"]')].map((li) => li.dataset.option ?? '');
    this.myVote = mine.length > 0 ? mine : null;
    const form = this.querySelector('form');
    form?.addEventListener('submit', (event) => void this.submit(event));
    // Nothing to send until a choice exists (without script the form posts and the server says so instead).
    form?.addEventListener('change', () => this.updateButton());
    this.updateButton();
    this.unfollow?.();
    // A closed poll's counts no longer change: it opens no live stream (a server-held connection per reader).
    const closed = this.querySelector<HTMLElement>('.poll')?.dataset.status === 'closed';
    this.unfollow = closed ? null : follow(this.pollId, (results) => this.render(results));
    // Wallet-only polls need the sign-in buttons; signing in changes who may vote, so render afresh.
    if (this.dataset.voters === 'wallet') {
      void import('./wallet/buttons.client');
      document.addEventListener('wallet:change', () => location.reload());
    }
  }

  disconnectedCallback(): void {
    this.unfollow?.();
    this.unfollow = null;
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const optionIds = [...form.querySelectorAll<HTMLInputElement>('input[name="optionIds"]:checked')].map(
      (i) => i.value,
    );
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    const voteHeader = document.body.dataset.voteHeader;
    try {
      const response = await fetch(`/api/polls/${encodeURIComponent(this.pollId)}/votes`, {
        method: 'POST',
        // The embed page (perhaps framed by another site) names the header that asks for the partitioned voter
        // cookie on its body: read from the page, so this chunk imports nothing for it.
        headers: { 'content-type': 'application/json', ...(voteHeader ? { [voteHeader]: '1' } : {}) },
        body: JSON.stringify({ optionIds }),
      });
      const body = (await response.json()) as PollResults & {
        error?: string;
        reason?: string;
        message?: string;
        results?: PollResults;
      };
      if (response.ok) {
        const wasHidden = this.lastResults?.resultsVisible === false;
        this.render(body);
        this.say(this.words.t('poll.thanks'), 'success');
        // Our own vote: the cohort line follows at once rather than after the usual wait.
        this.followCohorts(body, true);
        // Readers who could not see counts before voting now may: resubscribe as a voter.
        if (wasHidden) reopen();
      } else {
        if (body.results) this.render(body.results);
        this.say(this.refusal(body.error, body.reason) ?? body.message ?? this.words.t('poll.notCounted'), 'error');
      }
    } catch {
      this.say(this.words.t('poll.networkError'), 'error');
    } finally {
      this.updateButton();
    }
  }

  /** The Vote button waits for a choice; a vote in flight disables it too (see submit). */
  private updateButton(): void {
    const button = this.querySelector<HTMLButtonElement>('[data-vote-button]');
    if (!button) return;
    button.disabled = this.querySelector('input[name="optionIds"]:checked') === null;
  }

  /**
   * A refused vote in the page's language, by the endpoint's error code (and its reason, where it gives one);
   * null for a code the page has no words for.
   */
  private refusal(code: string | undefined, reason: string | undefined): string | null {
    const keys = [...(reason ? [`voteError.${code ?? ''}.${reason}`] : []), `voteError.${code ?? ''}`];
    for (const key of keys as Parameters<PollWords['t']>[0][]) {
      const text = this.words.t(key);
      if (text !== key) return text;
    }
    return null;
  }

  private say(text: string, kind: 'success' | 'error'): void {
    const message = this.querySelector<HTMLElement>('[data-message]');
    if (!message) return;
    message.textContent = text;
    message.className = `poll-message ${kind}`;
  }

  private render(results: PollResults): void {
    // Shared stream payloads carry no per-reader choice ([] or null): keep our own.
    if (results.myVote && results.myVote.length > 0) this.myVote = results.myVote;
    this.lastResults = results;
    const visible = results.resultsVisible;
    const voted = this.myVote !== null;
    const leading = visible ? leaders(results.options, this.words) : { ids: [], tie: null };
    const tie = this.querySelector<HTMLElement>('[data-tie]');
    if (tie) {
      tie.hidden = leading.tie === null;
      tie.textContent = leading.tie === null ? '' : `${leading.tie} · `;
    }
    for (const option of results.options) {
      const item = this.querySelector<HTMLElement>(`[data-option="${CSS.escape(option.id)}"]`);
      if (!item) continue;
      const mine = this.myVote?.includes(option.id) ?? false;
      item.dataset.mine = String(mine);
      if (leading.ids.includes(option.id)) item.dataset.leading = leading.ids.length > 1 ? 'tie' : 'lead';
      else delete item.dataset.leading;
      const input = item.querySelector('input');
      // Before a vote the inputs are the reader's choice in progress: a live update must not clear it.
      if (input && this.myVote !== null) input.checked = mine;
      item.querySelector<HTMLElement>('.poll-figures')?.toggleAttribute('hidden', !visible);
      item.querySelector<HTMLElement>('.poll-bar')?.toggleAttribute('hidden', !visible);
      if (!visible) continue;
      setText(item, '[data-percent]', `${option.percent ?? 0}%`);
      setText(item, '[data-votes]', formatVotes(option.votes ?? 0, this.words));
      const bar = item.querySelector<HTMLElement>('[data-bar]');
      if (bar) bar.style.width = `${option.percent ?? 0}%`;
    }
    const total = this.querySelector<HTMLElement>('[data-total]');
    if (total) {
      total.hidden = !visible;
      total.textContent = formatVotes(results.totalVotes ?? 0, this.words);
    }
    this.querySelector<HTMLElement>('[data-total-separator]')?.toggleAttribute('hidden', !visible);
    const verified = this.querySelector<HTMLElement>('[data-verified]');
    const verifiedVotes = results.voters === 'anyone' ? (results.verifiedVotes ?? 0) : 0;
    if (verified) {
      verified.hidden = verifiedVotes === 0;
      verified.textContent = `${this.words.t('poll.verified', { count: verifiedVotes.toLocaleString(this.words.lang) })} · `;
    }
    setText(
      this,
      '[data-status-text]',
      describeStatus(results.status, results.opensAt, results.closesAt, Date.now(), this.words),
    );
    this.querySelector<HTMLElement>('[data-hidden-note]')?.toggleAttribute('hidden', visible);
    this.querySelector<HTMLElement>('[data-small-sample]')?.toggleAttribute('hidden', !results.smallSample);
    const locale = toLocale(this.words.lang);
    const labels = results.options
      .filter((o) => this.myVote?.includes(o.id))
      .map((o) => localLabel(o.label, o.labels, locale).text);
    this.querySelector<HTMLElement>('[data-my-vote]')?.toggleAttribute('hidden', labels.length === 0);
    setText(this, '[data-my-vote-text]', labels.join(', '));
    const fieldset = this.querySelector('fieldset');
    const canVote =
      results.status === 'open' &&
      (results.voters === 'anyone' || this.dataset.signedIn === 'true') &&
      (!voted || results.allowChange);
    if (fieldset) fieldset.disabled = !canVote;
    const button = this.querySelector<HTMLButtonElement>('[data-vote-button]');
    if (button) {
      button.hidden = !canVote;
      button.textContent = this.words.t(voted ? 'poll.changeVote' : 'poll.vote');
    }
    this.updateButton();
    this.dispatchEvent(new CustomEvent('poll:update', { detail: results, bubbles: true }));
    this.followCohorts(results);
    // The poll closed while the page was open: these are its final counts, so the stream is let go.
    if (results.status === 'closed') {
      this.unfollow?.();
      this.unfollow = null;
    }
  }

  /**
   * A token poll's cohort line, when the counts moved: the live tally carries
   * plain results only, so the code that re-reads the cohort figures loads
   * the first time it is needed (poll-cohort-line.client).
   */
  private followCohorts(results: PollResults, now = false): void {
    if (this.dataset.token !== 'true') return;
    const counts = countsKey(results);
    if (!now && counts === (this.cohortCounts ?? this.dataset.counts)) return;
    this.cohortCounts = counts;
    void import('./poll-cohort-line.client').then((line) => line.refreshCohortLine(this, now));
  }
}

function setText(root: ParentNode, selector: string, text: string): void {
  const element = root.querySelector(selector);
  if (element) element.textContent = text;
}

if (!customElements.get('poll-widget')) customElements.define('poll-widget', PollWidgetElement);
