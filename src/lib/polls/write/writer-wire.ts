import type { CastOutcome, CastResult, CastVoteInput, FreshCounts } from '../store/cast-types.ts';

/**
 * What crosses between the main thread and the vote writer thread
 * (writer-thread.server.ts), as JSON text. postMessage clones a string with
 * one copy, while cloning ballots and results as objects walked every field:
 * on the main thread that walk cost more than the JSON (7.6% of its time in a
 * profile of plain votes, docs/decisions/0014-vote-path-fifth-pass-writer-thread.md).
 */

/** A ballot's fate in a written batch: its result, or the error that failed it alone. */
export type Settled = { ok: true; result: CastResult } | { ok: false; error: unknown };

/** Settles one caller's promise with its ballot's fate (none: the writer answered fewer ballots than it was given). */
export function settle(
  waiting: { resolve: (result: CastResult) => void; reject: (error: unknown) => void },
  fate: Settled | undefined,
): void {
  if (fate?.ok) waiting.resolve(fate.result);
  else waiting.reject(fate ? fate.error : new Error('no result for ballot'));
}

/** An error as it crosses threads: an Error's `code` and `cause` say whether it is a 503 (isDatabaseUnavailable). */
export interface WireError {
  message: string;
  code?: string;
  cause?: WireError;
}

export function errorToWire(error: unknown, depth = 0): WireError {
  const { message, code, cause } = (error ?? {}) as { message?: unknown; code?: unknown; cause?: unknown };
  return {
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause !== undefined && depth < 5 ? { cause: errorToWire(cause, depth + 1) } : {}),
  };
}

export function errorFromWire(wire: WireError): Error {
  const error = new Error(wire.message, wire.cause ? { cause: errorFromWire(wire.cause) } : undefined);
  if (wire.code) Object.assign(error, { code: wire.code });
  return error;
}

export function encodeBallots(inputs: readonly CastVoteInput[]): string {
  return JSON.stringify(inputs);
}

export function decodeBallots(text: string): CastVoteInput[] {
  return JSON.parse(text) as CastVoteInput[];
}

/** [totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, [optionId, votes][]] */
type WireCounts = [number, number, number, number, number, [string, number][]];

/** [0, outcome, index into the counts, or -1] · [1, retryAfterSeconds] (rate limited) · [2, error] */
type WireFate = [0, CastOutcome, number] | [1, number] | [2, WireError];

/** Fates in order; counts objects that ballots share are written once. */
export function encodeFates(fates: readonly Settled[]): string {
  const index = new Map<FreshCounts, number>();
  const counts: WireCounts[] = [];
  const wire = fates.map((fate): WireFate => {
    if (!fate.ok) return [2, errorToWire(fate.error)];
    const { result } = fate;
    if (result.outcome === 'rate_limited') return [1, result.retryAfterSeconds];
    if (result.counts === null) return [0, result.outcome, -1];
    let i = index.get(result.counts);
    if (i === undefined) {
      const { totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, votes } = result.counts;
      const wire: WireCounts = [totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, [...votes]];
      index.set(result.counts, (i = counts.push(wire) - 1));
    }
    return [0, result.outcome, i];
  });
  return JSON.stringify({ counts, fates: wire });
}

/**
 * The fates of ballots in `pollIds`' polls. Ballots of one transaction get
 * one counts object, as VoteBatcher's do on one thread (submitVote builds an
 * answer once per counts object). `latest` keeps the last counts per poll, so
 * that the answers of one transaction sent in several messages share one
 * object too, when its figures are the same.
 */
export function decodeFates(text: string, pollIds: readonly string[], latest: Map<string, FreshCounts>): Settled[] {
  const { counts, fates } = JSON.parse(text) as { counts: WireCounts[]; fates: WireFate[] };
  const built = new Map<number, FreshCounts>();
  const countsOf = (i: number, pollId: string): FreshCounts | null => {
    const wire = counts[i];
    if (!wire) return null;
    const made = built.get(i);
    if (made) return made;
    const [totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, votes] = wire;
    const last = latest.get(pollId);
    const fresh =
      last && sameCounts(last, wire)
        ? last
        : { totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, votes: new Map(votes) };
    built.set(i, fresh);
    latest.set(pollId, fresh);
    return fresh;
  };
  return fates.map((fate, i): Settled => {
    if (fate[0] === 2) return { ok: false, error: errorFromWire(fate[1]) };
    if (fate[0] === 1)
      return { ok: true, result: { outcome: 'rate_limited', counts: null, retryAfterSeconds: fate[1] } };
    const [, outcome, at] = fate;
    return { ok: true, result: { outcome, counts: at < 0 ? null : countsOf(at, pollIds[i] ?? '') } };
  });
}

function sameCounts(
  counts: FreshCounts,
  [totalVotes, verifiedVotes, version, busyNetworkBallots, busyNetworks, votes]: WireCounts,
): boolean {
  if (
    counts.totalVotes !== totalVotes ||
    counts.verifiedVotes !== verifiedVotes ||
    counts.version !== version ||
    counts.busyNetworkBallots !== busyNetworkBallots ||
    counts.busyNetworks !== busyNetworks
  ) {
    return false;
  }
  return counts.votes.size === votes.length && votes.every(([id, n]) => counts.votes.get(id) === n);
}
