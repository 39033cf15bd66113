import { DATABASE_AUTH_TOKEN, DATABASE_URL, VOTE_RATE_LIMIT } from 'astro:env/server';
import { getPoll, pollVersions } from '../polls/repo.ts';
import { RateLimiter } from '../rate-limit.ts';
import { openDatabase, type Database } from './db.ts';
import { PollLiveHub } from './live-polls.ts';
import { newVoterId } from './voter.ts';
import type { VotingDeps } from './voting.ts';

/**
 * The server process's shared services, configured through astro:env and
 * created on first use. Migrations and poll sync already ran in
 * scripts/serve.ts before the first request.
 */

let database: Promise<Database> | null = null;
let hub: PollLiveHub | null = null;
let voteLimiter: RateLimiter | null = null;

export function getDb(): Promise<Database> {
  database ??= openDatabase({ url: DATABASE_URL, authToken: DATABASE_AUTH_TOKEN ?? null });
  return database;
}

export async function getLiveHub(): Promise<PollLiveHub> {
  const db = await getDb();
  hub ??= new PollLiveHub({ load: (id) => getPoll(db, id), versions: (ids) => pollVersions(db, ids) });
  return hub;
}

export async function getVotingDeps(): Promise<VotingDeps> {
  const [db, live] = await Promise.all([getDb(), getLiveHub()]);
  voteLimiter ??= new RateLimiter(VOTE_RATE_LIMIT, 60_000);
  return { db, limiter: voteLimiter, newVoterId, changed: (id) => live.notify(id) };
}
