import { describeStatus } from '../format.ts';
import { DAY_MS, HOUR_MS } from '../history.ts';
import type { PollRecord } from '../records.ts';
import { presentResults, type PollResults } from '../results.ts';
import { getReaderBallot, getReaderBallots, type Reader, type ReaderBallot } from '../store/reads.server.ts';
import type { PollVoteDeps } from '../deps.ts';
import { translator } from '../../i18n/i18n.ts';
import { localePrefixPattern } from '../../i18n/locales.ts';
import { fingerprint } from '../../platform/caching/identity.ts';
import type { PageRoute } from '../../platform/http/http-server.server.ts';
import { POLL_ID_PARAM } from './api.server.ts';

/*
 * The poll page's data as the page memory sees it (platform/http/page-memory.server.ts): what the page is
 * built from (pollForReader) and its version. No astro:* import, so the Node server's own bundle takes it.
 */

/**
 * A poll and the reader's ballot as the results read takes them: the ballot
 * first, then counts at least as new as it, wherever it was cast; the page
 * and its version (pollPageVersion) read the same record.
 */
export async function pollForReader(
  services: Pick<PollVoteDeps, 'db' | 'poll' | 'voting'>,
  id: string,
  reader: Reader,
  now: number,
): Promise<{ poll: PollRecord; results: PollResults; ballot: ReaderBallot | null } | null> {
  const definition = await services.voting.definition(id);
  if (!definition) return null;
  return pollWithBallot(services, id, await getReaderBallot(services.db, definition, reader), now);
}

/** A poll's record at least as new as the reader's ballot, read beforehand, and what the reader sees of it. */
async function pollWithBallot(
  services: Pick<PollVoteDeps, 'poll'>,
  id: string,
  ballot: ReaderBallot | null,
  now: number,
): Promise<{ poll: PollRecord; results: PollResults; ballot: ReaderBallot | null } | null> {
  const poll = await services.poll(id, ballot?.pollVersion);
  if (!poll) return null;
  return { poll, results: presentResults(poll, ballot, now), ballot };
}

/**
 * Everything a poll page or its embed is built from (see PageRoute.version):
 * the poll's record (counts, status, weighting, resolution), what the clock
 * says of it, the language, the origin its links name, the query it reads,
 * and the reader's own part: their ballot and whether it is verified,
 * signed in or not. For a token's poll, the chain's data version too: a
 * snapshot landing changes its cohorts, resolution and evidence.
 */
export async function pollPageVersion(
  services: Pick<PollVoteDeps, 'db' | 'poll' | 'voting'> & ChainVersion,
  request: { id: string; locale: string | undefined; url: URL; reader: Reader; origin: string; now: number },
): Promise<string | null> {
  const { id, url, reader, now } = request;
  const found = await pollForReader(services, id, reader, now);
  if (!found) return null;
  const { poll, results, ballot } = found;
  const i = translator(request.locale);
  const asked = url.searchParams.get('option');
  return JSON.stringify([
    i.locale,
    request.origin,
    fingerprint(poll),
    results.status,
    describeStatus(results.status, results.opensAt, results.closesAt, now, i),
    // Charts run to the present hour while the poll is open; the card's URL and dates change by the day.
    results.status === 'open' ? Math.floor(now / HOUR_MS) : Math.floor(now / DAY_MS),
    results.options.some((o) => o.id === asked) ? asked : null,
    url.searchParams.has('voted'),
    url.searchParams.has('verified'),
    ballot ? [...ballot.optionIds].sort() : null,
    ballot?.verified ?? false,
    reader.address !== null,
    poll.token ? await services.chainVersion() : null,
  ]);
}

/** The chain's data version (chain/repo.server.ts's chainDataVersion, kept a second). */
interface ChainVersion {
  chainVersion: () => Promise<string>;
}

/** The language prefix of a page's path: any language but the default, whose pages have none. */
export /** What a page route needs of the request context. */
type PageReader = Reader & { origin: string };

/** What the poll pages' versions read of the application's services. */
type PollPagesDeps = PollVoteDeps & ChainVersion & { pollIds: () => Promise<readonly string[]> };

/** The poll page, its embed and /polls/, sent from memory while their version holds (see pollPageVersion). */
export const POLL_PAGE_ROUTES: readonly PageRoute<PollPagesDeps, PageReader>[] = [
  ...['/[...locale]/polls/[id]', '/[...locale]/polls/[id]/embed'].map(
    (route): PageRoute<PollPagesDeps, PageReader> => ({
      route,
      params: { locale: localePrefixPattern(), ...POLL_ID_PARAM },
      version: ({ services, params, url, reader, now }) =>
        pollPageVersion(services, {
          id: params.id ?? '',
          locale: params.locale,
          url,
          reader,
          origin: reader.origin,
          now,
        }),
    }),
  ),
  {
    route: '/[...locale]/polls',
    params: { locale: localePrefixPattern() },
    version: ({ services, params, reader, now }) =>
      pollListVersion(services, { locale: params.locale, reader, origin: reader.origin, now }),
  },
];

/**
 * Everything /polls/ is built from: each poll's record, what the clock says of it and the reader's ballot in
 * it, the language and origin, and the chain's data version (the track record settles as snapshots land).
 */
export async function pollListVersion(
  services: Pick<PollVoteDeps, 'db' | 'poll' | 'voting'> & ChainVersion & { pollIds: () => Promise<readonly string[]> },
  request: { locale: string | undefined; reader: Reader; origin: string; now: number },
): Promise<string> {
  const { reader, now } = request;
  const i = translator(request.locale);
  const ids = await services.pollIds();
  // The reader's ballots in every poll in one read, then each record at least as new as its ballot.
  const ballots = await getReaderBallots(services.db, ids, reader);
  const polls = await Promise.all(ids.map((id) => pollWithBallot(services, id, ballots.get(id) ?? null, now)));
  return JSON.stringify([
    i.locale,
    request.origin,
    Math.floor(now / DAY_MS),
    await services.chainVersion(),
    polls.map(
      (found) =>
        found && [
          fingerprint(found.poll),
          describeStatus(found.results.status, found.results.opensAt, found.results.closesAt, now, i),
          found.ballot ? [...found.ballot.optionIds].sort() : null,
        ],
    ),
  ]);
}
