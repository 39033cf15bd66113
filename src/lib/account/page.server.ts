import type { AstroGlobal } from 'astro';
import { actions } from 'astro:actions';
import { translator } from '../i18n/i18n.ts';
import type { Database } from '../platform/db/db.server.ts';
import { accountTokens, readAccount, type AccountData } from './account.server.ts';

export interface AccountPageState {
  account: AccountData | null;
  notice: { kind: 'success' | 'error'; text: string } | null;
}

const FORMS = [actions.account.withdraw, actions.account.endSession, actions.account.endOtherSessions] as const;
const DONE = ['withdrawn', 'ended'] as const;

/**
 * The Account page's data: the signed-in wallet's own, or null signed out.
 * Its forms are Astro Actions; one that succeeded redirects (303) back here,
 * so reloading does not post it again.
 */
export async function loadAccountPage(
  Astro: AstroGlobal,
  services: { db: Database },
): Promise<AccountPageState | Response> {
  // The owner's data: no shared cache may keep it, and the browser keeps no copy either.
  Astro.response.headers.set('cache-control', 'private, no-store');
  const { address, session } = Astro.locals;
  if (!address || !session) return { account: null, notice: null };
  const result = FORMS.map((form) => Astro.getActionResult(form)).find((r) => r !== undefined);
  const withdrawn = Astro.getActionResult(actions.account.withdraw);
  if (result && !result.error)
    return Astro.redirect(`${Astro.url.pathname}?done=${withdrawn && !withdrawn.error ? 'withdrawn' : 'ended'}`, 303);
  const i = translator(Astro.currentLocale);
  if (result?.error) Astro.response.status = result.error.status;
  const done = DONE.find((d) => d === Astro.url.searchParams.get('done'));
  const notice: AccountPageState['notice'] = result?.error
    ? { kind: 'error', text: result.error.message }
    : done
      ? { kind: 'success', text: i.t(`account.done.${done}`) }
      : null;
  const account = await readAccount(services.db, address, await accountTokens(), session.id, Date.now());
  return { account, notice };
}
