import type { AstroGlobal } from 'astro';
import { actions } from 'astro:actions';
import type { CommentView, Viewer } from './rules.ts';
import type { CommentDeps } from './api.server.ts';
import { commentIdOf, cursorOf, orderOf, postExists, postThreads, threadReplies, viewerOf } from './api.server.ts';
import { translator } from '../i18n/i18n.ts';

export interface CommentsState {
  threads: CommentView[];
  viewer: Viewer;
  order: 'newest' | 'oldest';
  /** The thread shown on its own page (`?thread=<id>`, its replies paged), or null for the post's threads. */
  thread: number | null;
  nextCursor: string | null;
  /** Whether this is a later page (there is a first page to go back to). */
  later: boolean;
  /** Comments under the post, on every page; null on a thread's own page, which does not count them. */
  total: number | null;
  /** What became of a report sent through the no-JavaScript form. */
  notice: { kind: 'success' | 'error'; text: string } | null;
}

/**
 * What the comments island and the comments page render; null for an unknown
 * post, or a thread (`?thread=<id>`) it does not have. A report sent without
 * JavaScript that succeeded answers with a redirect (303) to the page, which
 * then thanks the reader.
 */
export async function loadComments(
  Astro: AstroGlobal,
  services: CommentDeps,
  slug: string,
): Promise<CommentsState | Response | null> {
  if (!(await postExists(slug))) return null;
  const threadParam = Astro.url.searchParams.get('thread');
  const thread = threadParam === null ? null : commentIdOf(threadParam);
  if (threadParam !== null && thread === null) return null;
  const i = translator(Astro.currentLocale);
  const reported = Astro.getActionResult(actions.comments.report);
  if (reported && !reported.error) {
    const on = thread === null ? '' : `thread=${thread}&`;
    return Astro.redirect(`${Astro.url.pathname}?${on}reported=${reported.data.commentId}#comments-title`, 303);
  }
  const viewer = viewerOf(services, Astro.locals.address);
  // A cursor we did not make reads as the first page: links on the page never carry one.
  const cursor = cursorOf(Astro.url);
  const after = cursor === 'invalid' ? null : cursor;
  const order = after?.order ?? orderOf(Astro.url);
  Astro.response.headers.set('cache-control', 'private, no-store');
  if (reported?.error) Astro.response.status = reported.error.status;
  const notice: CommentsState['notice'] = reported?.error
    ? { kind: 'error', text: i.t('comments.reportFailed', { message: reported.error.message }) }
    : Astro.url.searchParams.has('reported')
      ? { kind: 'success', text: i.t('comments.reported') }
      : null;
  if (thread === null) {
    const page = await postThreads(services, slug, viewer, order, after);
    return { ...page, viewer, order, thread, later: after !== null, notice };
  }
  // A thread's replies run oldest first: a cursor of the other order starts it afresh.
  const from = after?.order === 'oldest' ? after : null;
  const replies = await threadReplies(services, slug, thread, viewer, from);
  if (!replies) return null;
  return {
    threads: [replies.thread],
    nextCursor: replies.nextCursor,
    total: null,
    viewer,
    order,
    thread,
    later: from !== null,
    notice,
  };
}
