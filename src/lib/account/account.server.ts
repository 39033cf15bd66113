import { and, desc, eq, getTableColumns, ne } from 'drizzle-orm';
import { comments, sessions } from '../../../db/schema.ts';
import type { CohortId } from '../cohorts/cohorts.ts';
import type { WeightingToken } from '../cohorts/ids.ts';
import { holderBadges } from '../holders/badge.server.ts';
import type { HolderBadge } from '../holders/badge.ts';
import { sessionExpiresAt, sessionState } from '../auth/session.ts';
import { getCollection } from 'astro:content';
import { weightingTokenOf } from '../cohorts/weighting.ts';
import {
  finalBallotReason,
  withdrawBallot,
  type WithdrawOutcome,
  type WithdrawRequest,
} from '../polls/withdraw.server.ts';
import { getWalletBallotChoices } from '../polls/store/wallets.server.ts';
import type { TransactionLimiter } from '../polls/store/cast-types.ts';
import type { VotingDeps } from '../polls/votes.server.ts';
import type { Database } from '../platform/db/db.server.ts';

/**
 * What the site keeps about one wallet, as its owner's Account page and JSON
 * download show it. Only ever read for the signed-in wallet itself.
 */

export interface AccountSession {
  id: string;
  createdAt: number;
  lastActiveAt: number;
  /** When it ends without activity: the earlier of its inactivity and absolute limits. */
  expiresAt: number;
  current: boolean;
}

export interface AccountComment {
  id: number;
  postSlug: string;
  /** Set when it replies to another comment. */
  parentId: number | null;
  body: string;
  createdAt: number;
  editedAt: number | null;
  /** Deleted by its author (the text is gone; replies stay under it). */
  deletedAt: number | null;
  /** Hidden by a moderator. */
  hiddenAt: number | null;
}

export interface AccountBallot {
  pollId: string;
  question: string;
  questionLabels: Record<string, string>;
  /** The options chosen, in the poll's order. */
  choices: { optionId: string; label: string; labels: Record<string, string> }[];
  castAt: number;
  changedAt: number;
  /** A wallet's ballot always counts as verified; its cohort is the poll's weighting snapshot's. */
  verified: boolean;
  cohort: CohortId;
  /** Null when it may still be withdrawn; else why it is final. */
  final: 'closed' | 'no_change' | null;
}

export interface AccountData {
  address: string;
  /** The wallet's cohort per token at each token's latest snapshot (tokens without a snapshot are left out). */
  holdings: HolderBadge[];
  sessions: AccountSession[];
  comments: AccountComment[];
  ballots: AccountBallot[];
}

/** A comment's columns but its author, who is the reader, and which moderator hid it. */
const { address: _address, hiddenBy: _hiddenBy, ...COMMENT_FIELDS } = getTableColumns(comments);

/** Everything about `address`; `currentSessionId` marks the session the request came with. */
export async function readAccount(
  db: Database,
  address: string,
  tokens: readonly WeightingToken[],
  currentSessionId: string | null,
  now: number,
): Promise<AccountData> {
  const [sessionRows, commentRows, ballotRows, badges] = await Promise.all([
    db
      .select({ id: sessions.id, createdAt: sessions.createdAt, lastActiveAt: sessions.lastActiveAt })
      .from(sessions)
      .where(eq(sessions.address, address))
      .orderBy(desc(sessions.lastActiveAt)),
    db.select(COMMENT_FIELDS).from(comments).where(eq(comments.address, address)).orderBy(desc(comments.createdAt)),
    getWalletBallotChoices(db, address),
    Promise.all(tokens.map((token) => holderBadges(db, token, [address]))),
  ]);

  const ballots = new Map<number, AccountBallot>();
  for (const row of ballotRows) {
    let ballot = ballots.get(row.voteId);
    if (!ballot) {
      ballot = {
        pollId: row.pollId,
        question: row.question,
        questionLabels: row.questionLabels,
        choices: [],
        castAt: row.castAt,
        changedAt: row.changedAt,
        verified: true,
        cohort: row.cohort,
        final: finalBallotReason(row, now)?.why ?? null,
      };
      ballots.set(row.voteId, ballot);
    }
    ballot.choices.push({ optionId: row.optionId, label: row.label, labels: row.labels });
  }
  return {
    address,
    holdings: badges.flatMap((byAddress) => [...byAddress.values()]),
    // An expired session is deleted the next time it is shown; until then it is no longer the wallet's.
    sessions: sessionRows
      .filter((s) => sessionState(s, now) === 'valid')
      .map((s) => ({
        ...s,
        expiresAt: sessionExpiresAt(s),
        current: s.id === currentSessionId,
      })),
    comments: commentRows,
    ballots: [...ballots.values()],
  };
}

/** Ends every session of `address` but `keepId`; returns how many ended. */
export async function endOtherSessions(db: Database, address: string, keepId: string): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.address, address), ne(sessions.id, keepId)))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Ends one session, only if it belongs to `address`: a wallet cannot end another's. */
export async function endSession(db: Database, address: string, sessionId: string): Promise<boolean> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.address, address), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return ended.length === 1;
}

/** The tokens a wallet's cohort is shown for: every token the site defines. */
export async function accountTokens(): Promise<WeightingToken[]> {
  return (await getCollection('tokens')).map((entry) => weightingTokenOf(entry.data));
}

/** Withdraws the wallet's ballot (see withdrawBallot) and tells caches and live readers, as a vote does. */
export async function withdrawWalletBallot(
  services: { db: Database; withdrawLimiter: TransactionLimiter; voting: VotingDeps },
  request: WithdrawRequest,
): Promise<WithdrawOutcome> {
  const outcome = await withdrawBallot(services.db, services.withdrawLimiter, request);
  if (outcome.ok) services.voting.changed(request.pollId, outcome.counts);
  return outcome;
}
