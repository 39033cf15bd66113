import { symbolKey, TOKEN_SYMBOL_PATTERN } from '../content/schemas.ts';
import { csvResult, jsonResult, problemResult, type ApiResult } from '../platform/http/results.ts';
import { CSV_LIMITED, refuseOverLimit, type Limiter } from '../rate-limit/limiter.ts';
import { pollStatus, resultsVisible } from '../polls/rules.ts';
import type { PollReadDeps } from '../polls/deps.ts';
import { listResolvedPollIds } from './repo.server.ts';
import { buildTrackRecord, trackRecordCsv, type ResolvedPoll, type TrackRecord } from './track-record.ts';

/** The track record of every resolved poll (of `token`, if given) that anyone may see the results of. */
export async function loadTrackRecord(services: PollReadDeps, token: string | null, now: number): Promise<TrackRecord> {
  const resolved: ResolvedPoll[] = [];
  for (const id of await listResolvedPollIds(services.db, token)) {
    const poll = await services.poll(id);
    if (!poll?.token) continue;
    // The track record is public: accuracy only where anyone may see the poll's results.
    const visible = resultsVisible(poll.results, pollStatus(poll, now), false);
    const cohorts = await services.cohorts.results(poll, visible);
    const resolution = await services.resolutions.view(poll, visible, cohorts, () =>
      services.cohorts.tokenWeights(poll),
    );
    if (!resolution) continue;
    resolved.push({
      id: poll.id,
      question: poll.question,
      questionLabels: poll.questionLabels,
      token: poll.token,
      options: poll.options.map((o) => ({ id: o.optionId, label: o.label, labels: o.labels, votes: o.votes })),
      resolution,
    });
  }
  return buildTrackRecord(resolved);
}

/** GET /api/track-record[?token=SYM][&format=csv]: every resolved poll and the pooled accuracy by tally and cohort. */
export async function getTrackRecord(
  services: PollReadDeps & { csvLimiter: Limiter },
  query: { token: string | null; format: string | null },
  now: number,
  clientAddress: string,
): Promise<ApiResult> {
  const format = query.format ?? 'json';
  if (format !== 'json' && format !== 'csv')
    return problemResult(400, 'bad_request', 'format must be "json" or "csv".');
  if (format === 'csv') {
    const limited = await refuseOverLimit(services.csvLimiter, clientAddress, now, CSV_LIMITED);
    if (limited) return limited;
  }
  const { token } = query;
  if (token !== null && !TOKEN_SYMBOL_PATTERN.test(token)) {
    return problemResult(400, 'bad_request', 'token must be a token symbol such as OPG.');
  }
  const record = await loadTrackRecord(services, token, now);
  if (format === 'csv')
    return csvResult(trackRecordCsv(record), `${token === null ? 'all' : symbolKey(token)}-track-record.csv`);
  return jsonResult(record);
}
