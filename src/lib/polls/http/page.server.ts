import type { AstroGlobal } from 'astro';
import { actions, isInputError } from 'astro:actions';
import type { PollVoteDeps } from '../deps.ts';
import { pollForReader } from './page-version.server.ts';
import type { PollRecord } from '../records.ts';
import type { PollResults } from '../results.ts';
import type { CohortResults } from '../../cohorts/present.ts';
import type { ResolutionView } from '../../resolution/view.ts';
import { translator, type Translator } from '../../i18n/i18n.ts';
import { isLocaleParam } from '../../i18n/locales.ts';

export interface PollPageState {
  poll: PollRecord;
  results: PollResults;
  /** A token poll's results by cohort (hidden parts null, as in the API); null for other polls. */
  cohorts: CohortResults | null;
  /** How the chain settles the poll, as GET /api/polls/<id> gives it; null for a poll that does not resolve. */
  resolution: ResolutionView | null;
  /** The page's language. */
  i: Translator;
  /** What the poll page and its embed both hand the poll widget (PollWidget.astro). */
  widget: {
    results: PollResults;
    cohorts: CohortResults | null;
    formAction: string;
    message: string | null;
    messageKind: 'error' | 'success';
    signedIn: boolean;
  };
}

/**
 * Shared by the poll page and its embed: handles the no-JavaScript form's
 * result (post/redirect/get on success, the error shown otherwise) and loads
 * what the reader may see. Returns a Response when the page should redirect
 * or 404.
 */
export async function loadPollPage(Astro: AstroGlobal, services: PollVoteDeps): Promise<PollPageState | Response> {
  // The pages' rest parameter matches any prefix: only the site's languages have pages.
  if (!isLocaleParam(Astro.params.locale)) return new Response(null, { status: 404 });
  const id = Astro.params.id ?? '';
  const voted = Astro.getActionResult(actions.polls.vote);
  const claimed = Astro.getActionResult(actions.polls.verifyBallot);
  if (voted && !voted.error) return Astro.redirect(`${Astro.url.pathname}?voted=1#poll-${id}`, 303);
  if (claimed && !claimed.error) return Astro.redirect(`${Astro.url.pathname}?verified=1#poll-${id}`, 303);
  const result = voted ?? claimed;
  const found = await pollForReader(services, id, Astro.locals, Date.now());
  // Astro answers an empty 404 with the site's 404 page.
  if (!found) return new Response(null, { status: 404 });
  const { poll, results } = found;
  const cohorts = await services.cohorts.results(poll, results.resultsVisible);
  const resolution = poll.resolution
    ? await services.resolutions.view(poll, results.resultsVisible, cohorts, () => services.cohorts.tokenWeights(poll))
    : null;
  const i = translator(Astro.currentLocale);
  let message: string | null = null;
  let messageKind: 'error' | 'success' = 'success';
  if (result?.error) {
    message = isInputError(result.error) ? i.t('poll.chooseFirst') : result.error.message;
    messageKind = 'error';
    Astro.response.status = result.error.status;
  } else if (Astro.url.searchParams.has('verified') && results.myVoteVerified) {
    message = i.t('poll.nowVerified');
  } else if (Astro.url.searchParams.has('voted') && results.myVote) {
    message = i.t('poll.thanks');
  }
  return {
    poll,
    results,
    cohorts,
    resolution,
    i,
    widget: {
      results,
      cohorts,
      formAction: `${Astro.url.pathname}${actions.polls.vote}`,
      message,
      messageKind,
      signedIn: Astro.locals.address !== null,
    },
  };
}
