import type { AstroGlobal } from 'astro';
import { actions } from 'astro:actions';
import { viewerOf } from '../comments/api.server.ts';
import { translator } from '../i18n/i18n.ts';
import type { CommentDeps } from '../comments/api.server.ts';
import {
  auditLog,
  blockList,
  reportQueue,
  type AuditEntry,
  type BlockEntry,
  type QueueItem,
} from './moderation.server.ts';

export interface ModerationPageState {
  moderator: string;
  queue: QueueItem[];
  blocks: BlockEntry[];
  audit: AuditEntry[];
  notice: { kind: 'success' | 'error'; text: string } | null;
  now: number;
}

const FORMS = [
  actions.moderation.hide,
  actions.moderation.unhide,
  actions.moderation.dismiss,
  actions.moderation.block,
  actions.moderation.unblock,
] as const;

/**
 * The moderation page for ADMIN_ADDRESSES; null for everyone else, who get
 * the site's ordinary 404. A form that succeeded redirects (303) back to the page.
 */
export async function loadModerationPage(
  Astro: AstroGlobal,
  services: CommentDeps,
): Promise<ModerationPageState | Response | null> {
  const address = Astro.locals.address;
  Astro.response.headers.set('cache-control', 'private, no-store');
  if (!address || !viewerOf(services, address).isAdmin) return null;
  const result = FORMS.map((form) => Astro.getActionResult(form)).find((r) => r !== undefined);
  if (result && !result.error) return Astro.redirect(`${Astro.url.pathname}?done=1`, 303);
  const i = translator(Astro.currentLocale);
  if (result?.error) Astro.response.status = result.error.status;
  const [queue, blocks, audit] = await Promise.all([
    reportQueue(services.db),
    blockList(services.db),
    auditLog(services.db),
  ]);
  const notice: ModerationPageState['notice'] = result?.error
    ? { kind: 'error', text: i.t('admin.failed', { message: result.error.message }) }
    : Astro.url.searchParams.has('done')
      ? { kind: 'success', text: i.t('admin.done') }
      : null;
  return { moderator: address, queue, blocks, audit, notice, now: Date.now() };
}
