import { messagesOf } from '../lib/i18n/client';
import './wallet/buttons.client';

/**
 * <post-comments>: posting, replying, editing, deleting and hiding through
 * the JSON API. After each change it reloads its HTML from the server, so
 * the server stays the only place that turns comment text into markup.
 */
class PostCommentsElement extends HTMLElement {
  private order: 'newest' | 'oldest' = 'newest';
  /** The page of threads shown: null for the first. */
  private cursor: string | null = null;

  get slug(): string {
    return this.dataset.slug ?? '';
  }

  /** The discussion's words, in the page's language; re-read after each refresh, which replaces the inner HTML. */
  private get t(): ReturnType<typeof messagesOf<'comments'>> {
    return messagesOf<'comments'>(this.querySelector('[data-messages]'));
  }

  connectedCallback(): void {
    this.addEventListener('submit', (event) => void this.onSubmit(event));
    this.addEventListener('click', (event) => void this.onClick(event));
    document.addEventListener('wallet:change', () => void this.refresh());
  }

  private api(path = ''): string {
    return `/api/posts/${encodeURIComponent(this.slug)}/comments${path}`;
  }

  private say(text: string): void {
    const message = this.querySelector<HTMLElement>('[data-comment-message]');
    if (message) message.textContent = text;
  }

  async refresh(): Promise<void> {
    // The discussion page in this page's language (/zh/posts/... on the Chinese site).
    const path =
      this.querySelector<HTMLElement>('[data-path]')?.dataset.path ??
      `/posts/${encodeURIComponent(this.slug)}/comments/`;
    const page = this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : '';
    // On a thread's own page, that thread and its page of replies.
    const thread = this.querySelector<HTMLElement>('[data-thread]')?.dataset.thread;
    const only = thread ? `&thread=${encodeURIComponent(thread)}` : '';
    const response = await fetch(`${path}?fragment=1&order=${this.order}${only}${page}`);
    if (response.ok) this.innerHTML = await response.text();
  }

  /** Sends a change; on success reloads the discussion, otherwise says why. */
  private async send(method: string, path: string, body: unknown): Promise<boolean> {
    const response = await fetch(this.api(path), {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (response.ok) {
      await this.refresh();
      return true;
    }
    this.say(await this.refusal(response));
    return false;
  }

  private async onSubmit(event: Event): Promise<void> {
    const form = event.target as HTMLFormElement;
    if (form.dataset.reportForm) {
      event.preventDefault();
      await this.report(form);
      return;
    }
    const body = (form.elements.namedItem('body') as HTMLTextAreaElement | null)?.value ?? '';
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]') as HTMLButtonElement | null;
    if (button) button.disabled = true;
    try {
      if (form.matches('[data-comment-form]')) await this.send('POST', '', { body });
      else if (form.dataset.replyTo) {
        const thread = form.dataset.replyTo;
        if (await this.send('POST', '', { body, parentId: Number(thread) })) this.pointToRest(thread);
      } else if (form.dataset.editOf) await this.send('PATCH', `/${form.dataset.editOf}`, { body });
    } finally {
      if (button) button.disabled = false;
    }
  }

  private async onClick(event: Event): Promise<void> {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest<HTMLElement>(
      '[data-reply],[data-edit],[data-delete],[data-hide],[data-order-link],[data-page-link],[data-cancel]',
    );
    if (!button) return;
    event.preventDefault();
    const { reply, edit, delete: remove, hide, orderLink, pageLink } = button.dataset;
    if (button.hasAttribute('data-cancel')) button.closest('form')?.remove();
    else if (reply) this.openForm(reply, 'replyTo', '', this.t('comments.postReply'));
    else if (edit) {
      const current = this.querySelector<HTMLElement>(`#comment-${edit} [data-body]`)?.dataset.body ?? '';
      this.openForm(edit, 'editOf', current, this.t('comments.save'));
    } else if (remove && confirm(this.t('comments.confirmDelete'))) await this.send('DELETE', `/${remove}`, undefined);
    else if (hide) await this.send('POST', `/${hide}/hide`, { hidden: button.dataset.hidden !== 'true' });
    else if (orderLink === 'newest' || orderLink === 'oldest') {
      this.order = orderLink;
      this.cursor = null;
      await this.refresh();
    } else if (pageLink !== undefined) {
      this.cursor = pageLink || null;
      await this.refresh();
      this.querySelector('#comments-title')?.scrollIntoView();
    }
  }

  /**
   * A reply to a thread longer than the replies shown lands among the rest:
   * on the thread's own page, or (there) on its last page. Say so; in the
   * list of threads also beside that page's link, where the reader is
   * looking, and focus the link.
   */
  private pointToRest(thread: string): void {
    const link = this.querySelector<HTMLElement>(`[data-thread-link="${CSS.escape(thread)}"]`);
    if (link) {
      const text = this.t('comments.replyElsewhere');
      this.say(text);
      const note = document.createElement('span');
      note.className = 'comment-more-note';
      note.textContent = text;
      link.after(note);
      link.focus();
    } else if (this.querySelector('[data-thread] a[rel="next"]')) {
      this.say(this.t('comments.replyAtEnd'));
    }
  }

  /** Sends a report form to the JSON API and says how it went; the comment stays as it is. */
  private async report(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const note = String(data.get('note') ?? '').trim();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      const response = await fetch(this.api(`/${form.dataset.reportForm}/report`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: data.get('reason'), ...(note ? { note } : {}) }),
      });
      if (response.ok) {
        form.closest('details')?.removeAttribute('open');
        this.say(this.t('comments.reported'));
        return;
      }
      this.say(this.t('comments.reportFailed', { message: await this.refusal(response, 'reportError') }));
    } finally {
      if (button) button.disabled = false;
    }
  }

  /**
   * Why the API refused, in the page's language where the page has words for
   * the error's code (and for a rate limit, for which limit); otherwise the
   * server's own sentence (a block's reason, say, is the moderator's text).
   */
  private async refusal(response: Response, kind: 'commentError' | 'reportError' = 'commentError'): Promise<string> {
    const problem = (await response.json().catch(() => ({}))) as { error?: string; message?: string; limit?: string };
    const code = problem.error ?? '';
    const keys = [
      ...(problem.limit ? [`${kind}.${code}.${problem.limit}`] : []),
      `${kind}.${code}`,
      `commentError.${code}`,
    ] as Parameters<typeof this.t>[0][];
    for (const key of keys) {
      const text = this.t(key);
      if (text !== key) return text;
    }
    return problem.message ?? this.t('comments.failed', { status: response.status });
  }

  /** A small form under a comment, built with DOM calls (its text goes in as values, never as HTML). */
  private openForm(id: string, kind: 'replyTo' | 'editOf', text: string, label: string): void {
    const comment = this.querySelector(`#comment-${CSS.escape(id)}`);
    if (!comment || comment.nextElementSibling?.matches('form.comment-inline-form')) return;
    const form = document.createElement('form');
    form.className = 'comment-inline-form';
    form.dataset[kind] = id;
    const area = document.createElement('textarea');
    area.name = 'body';
    area.rows = 3;
    area.maxLength = 2000;
    area.required = true;
    area.value = text;
    area.setAttribute('aria-label', this.t(kind === 'replyTo' ? 'comments.yourReply' : 'comments.editYours'));
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = label;
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'link-button';
    cancel.dataset.cancel = '';
    cancel.textContent = this.t('comments.cancel');
    form.append(area, submit, cancel);
    comment.after(form);
    area.focus();
  }
}

if (!customElements.get('post-comments')) customElements.define('post-comments', PostCommentsElement);
