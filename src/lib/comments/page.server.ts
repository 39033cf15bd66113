import type { AstroGlobal } from 'astro';
import { actions } from 'astro:actions';
import type { CommentView, Viewer } from './rules.ts';
import { getServices } from '../server/app.server.ts';
import { cursorOf, orderOf, postExists, postThreads, viewerOf } from './api.server.ts';
import { translator } from '../i18n/i18n.ts';

export interface CommentsState {
  threads: CommentView[];
  viewer: Viewer;
  order: 'newest' | 'oldest';
  nextCursor: string | null;
  /** Whether this is a later page (there is a first page to go back to). */
  later: boolean;
  total: number;
  /** What became of a report sent through the no-JavaScript form. */
  notice: { kind: 'success' | 'error'; text: string } | null;
}

/**
 * What the comments island and the comments page render; null for an unknown
 * post. A report sent without JavaScript that succeeded answers with a
 * redirect (303) to the page, which then thanks the reader.
 */
export async function loadComments(Astro: AstroGlobal, slug: string): Promise<CommentsState | Response | null> {
  if (!(await postExists(slug))) return null;
  const i = translator(Astro.currentLocale);
  const reported = Astro.getActionResult(actions.comments.report);
  if (reported && !reported.error) {
    return Astro.redirect(`${Astro.url.pathname}?reported=${reported.data.commentId}#comments-title`, 303);
  }
  const services = await getServices();
  const viewer = viewerOf(services, Astro.locals.address);
  // A cursor we did not make reads as the first page: links on the page never carry one.
  const cursor = cursorOf(Astro.url);
  const after = cursor === 'invalid' ? null : cursor;
  const order = after?.order ?? orderOf(Astro.url);
  Astro.response.headers.set('cache-control', 'private, no-store');
  if (reported?.error) Astro.response.status = reported.error.status;
  const page = await postThreads(services, slug, viewer, order, after);
  const notice: CommentsState['notice'] = reported?.error
    ? { kind: 'error', text: i.t('comments.reportFailed', { message: reported.error.message }) }
    : Astro.url.searchParams.has('reported')
      ? { kind: 'success', text: i.t('comments.reported') }
      : null;
  return { ...page, viewer, order, later: after !== null, notice };
}
