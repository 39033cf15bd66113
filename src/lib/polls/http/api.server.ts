import { jsonResult, jsonTextResult, parseJson, problemResult, type ApiResult } from '../../platform/http/results.ts';
import type { FastRoute } from '../../platform/http/http-server.server.ts';
import { readLimitedNodeBody } from '../../platform/http/limited-body.server.ts';
import type { CohortResults } from '../../cohorts/present.ts';
import type { ResolutionView } from '../../resolution/view.ts';
import { getReaderBallot, type ReaderBallot } from '../store/reads.server.ts';
import type { PollRecord } from '../records.ts';
import { presentResults, type PollResults } from '../results.ts';
import { pollStatus, type PollStatus } from '../rules.ts';
import { MAX_VOTE_BODY_BYTES, voteInputSchema } from '../schemas.ts';
import type { PollApiDeps, PollVoteDeps } from '../deps.ts';
import { EMBED_HEADER } from '../../embed/embed.ts';
import { voterCookieHeader } from '../voter.ts';
import { submitVote } from '../votes.server.ts';
import { openPollStream } from './live-stream.server.ts';
import { IdentityCache } from '../../platform/caching/identity.ts';

/**
 * The poll JSON endpoints as plain functions: the Astro endpoint files and
 * the Node server's fast path (POLL_FAST_ROUTES) both answer with these.
 */

/** What the endpoints need of the request context, and the time of the request. */
export interface ReaderContext {
  /** The anonymous voter id from the `voter` cookie, or null. */
  voterId: string | null;
  /** The signed-in wallet (EIP-55), or null. */
  address: string | null;
  /** The client's IP address, behind a trusted proxy the one it forwarded. */
  clientAddress: string;
  /** The reader came over HTTPS: cookies get Secure. */
  secure: boolean;
  now: number;
}

/** An Astro endpoint's ReaderContext, from what the middleware put in `locals` (the fast path has its own). */
export function readerOf(locals: Omit<ReaderContext, 'now'>, now = Date.now()): ReaderContext {
  return {
    voterId: locals.voterId,
    address: locals.address,
    clientAddress: locals.clientAddress,
    secure: locals.secure,
    now,
  };
}

/** GET /api/polls/<id> */
export async function getPollResults(
  services: PollVoteDeps,
  pollId: string,
  reader: ReaderContext,
): Promise<ApiResult> {
  const found = await getPollResultsParts(services, pollId, reader);
  if (!found) return problemResult(404, 'not_found', `There is no poll "${pollId}".`);
  if (found.ballot !== null) return jsonResult(mergedResults(found));
  // Every reader without a ballot gets the same bytes until the counts, the cohorts, the resolution or the
  // poll's status change: the parts are compared before anything is merged, so a repeat read builds nothing.
  const kept = unballotedAnswers.get(found.poll);
  if (kept?.cohorts === found.cohorts && kept.resolution === found.resolution && kept.status === found.plain.status) {
    return kept.result;
  }
  const result = jsonResult(mergedResults(found));
  unballotedAnswers.set(found.poll, {
    status: found.plain.status,
    cohorts: found.cohorts,
    resolution: found.resolution,
    result,
  });
  return result;
}

/** What GET /api/polls/<id> answers: the plain results with the cohort and resolution fields beside them. */
export type PollResultsView = PollResults & Partial<CohortResults> & { resolution?: ResolutionView };

interface PollResultsParts {
  poll: PollRecord;
  ballot: ReaderBallot | null;
  plain: PollResults;
  cohorts: CohortResults | null;
  resolution: ResolutionView | null;
}

function mergedResults({ plain, cohorts, resolution }: PollResultsParts): PollResultsView {
  return { ...plain, ...cohorts, ...(resolution ? { resolution } : {}) };
}

/** A reader's results of a poll, a token poll's also by cohort; null for an unknown poll. */
export async function getPollResultsData(
  services: PollVoteDeps,
  pollId: string,
  reader: ReaderContext,
): Promise<(PollResultsParts & { results: PollResultsView }) | null> {
  const found = await getPollResultsParts(services, pollId, reader);
  return found && { ...found, results: mergedResults(found) };
}

async function getPollResultsParts(
  services: PollVoteDeps,
  pollId: string,
  reader: ReaderContext,
): Promise<PollResultsParts | null> {
  const definition = await services.voting.definition(pollId);
  if (!definition) return null;
  // The ballot first: counts then come at least as new as it, wherever it was cast.
  const ballot = await getReaderBallot(services.db, definition, reader);
  const poll = await services.poll(pollId, ballot?.pollVersion);
  if (!poll) return null;
  const results = ballot === null ? unballotedResults(poll, reader.now) : presentResults(poll, ballot, reader.now);
  const held = services.cohorts.resultsNow(poll, results.resultsVisible, ballot?.pollVersion);
  const cohorts =
    held !== undefined ? held : await services.cohorts.results(poll, results.resultsVisible, ballot?.pollVersion);
  // Most polls do not resolve: they pay nothing for it on this hot read.
  const resolution = poll.resolution
    ? await services.resolutions.view(poll, results.resultsVisible, cohorts, () =>
        services.cohorts.tokenWeights(poll, ballot?.pollVersion),
      )
    : null;
  return { poll, ballot, plain: results, cohorts, resolution };
}

/**
 * presentResults for a reader without a ballot, kept per poll record (one
 * per counts version): the time changes only its status, and working out
 * the percentages on every read was a twentieth of a results read.
 */
function unballotedResults(poll: PollRecord, now: number): PollResults {
  const status = pollStatus(poll, now);
  const kept = unballotedPresented.get(poll);
  if (kept?.status === status) return kept.results;
  const results = presentResults(poll, null, now);
  unballotedPresented.set(poll, { status, results });
  return results;
}

const unballotedPresented = new IdentityCache<PollRecord, { status: PollStatus; results: PollResults }>();

/** The answer for readers without a ballot, per poll record (services.poll returns one per counts version). */
const unballotedAnswers = new IdentityCache<
  PollRecord,
  { status: PollStatus; cohorts: CohortResults | null; resolution: ResolutionView | null; result: ApiResult }
>();

/**
 * POST /api/polls/<id>/votes. `bodyText` is null when the body ran past the
 * size limit (see limited-body.server.ts).
 */
export async function postVote(
  services: PollVoteDeps,
  pollId: string,
  contentType: string | null,
  bodyText: string | null,
  reader: ReaderContext,
  /** Cast inside the embed page (the widget says so with EMBED_HEADER), perhaps in a frame on another site. */
  embedded = false,
): Promise<ApiResult> {
  const body = parseJson(contentType, bodyText, voteInputSchema, MAX_VOTE_BODY_BYTES);
  if (!body.ok) return body.result;
  const outcome = await submitVote(services.voting, {
    pollId,
    voterId: reader.voterId,
    address: reader.address,
    optionIds: body.data.optionIds,
    clientKey: reader.clientAddress,
    now: reader.now,
  });
  if (!outcome.ok) {
    const { status, error, message, reason, results, retryAfterSeconds } = outcome;
    const headers: Record<string, string> = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {};
    return problemResult(
      status,
      error,
      message,
      { ...(reason ? { reason } : {}), ...(results ? { results } : {}) },
      headers,
    );
  }
  const headers: Record<string, string> = outcome.newVoter
    ? { 'set-cookie': voterCookieHeader(outcome.voterId, reader.secure, embedded ? 'embed' : 'site') }
    : {};
  // Voters of one group commit share results objects (see submitVote): each is serialised once.
  let text = serialized.get(outcome.results);
  if (text === undefined) serialized.set(outcome.results, (text = JSON.stringify(outcome.results)));
  return jsonTextResult(text, outcome.status, headers);
}

const serialized = new IdentityCache<PollResults, string>();

/**
 * A poll id as the fast routes take it: the characters a poll id may have (schemas.ts), none of which a path
 * percent-encodes, so the id needs no decoding. Any other path segment goes on to Astro's file route.
 */
export const POLL_ID_PARAM = { id: '[a-z0-9-]{1,100}' };

/**
 * The two hot poll endpoints, answered by the Node server without Astro's page pipeline, and the live
 * stream, which the Node server holds itself so that it sees a reader that stops reading (see openPollStream).
 * Each names the file route it speeds up (src/pages/api/polls/[id]/…) and calls the handler its endpoint calls.
 */
export const POLL_FAST_ROUTES: readonly FastRoute<PollApiDeps, Omit<ReaderContext, 'now'>>[] = [
  {
    method: 'GET',
    route: '/api/polls/[id]',
    params: POLL_ID_PARAM,
    answer: ({ services, params, reader, now }) => getPollResults(services, params.id ?? '', { ...reader, now }),
  },
  {
    method: 'POST',
    route: '/api/polls/[id]/votes',
    params: POLL_ID_PARAM,
    answer: async ({ services, params, req, reader, now }) => {
      const body = await readLimitedNodeBody(req, MAX_VOTE_BODY_BYTES);
      const embedded = req.headers[EMBED_HEADER] === '1';
      return postVote(
        services,
        params.id ?? '',
        req.headers['content-type'] ?? null,
        body,
        { ...reader, now },
        embedded,
      );
    },
  },
  {
    method: 'GET',
    route: '/api/polls/[id]/events',
    params: POLL_ID_PARAM,
    answer: ({ services, params, req, reader, now }) =>
      openPollStream(services, params.id ?? '', new URL(req.url ?? '', 'http://x').searchParams.get('also'), {
        ...reader,
        now,
      }),
  },
];
