import { DATABASE_AUTH_TOKEN, DATABASE_URL, VOTE_RATE_LIMIT } from 'astro:env/server';
import { openDatabase, type Database } from './db.ts';
import type { PollLiveHub } from './live-polls.ts';
import { createServices, providedServices, type Services } from './services.ts';
import type { VotingDeps } from './voting.ts';

/**
 * Services for code inside Astro's bundle: those scripts/serve.ts provided,
 * or (under `astro dev`) ones created here from astro:env.
 */
let own: Promise<Services> | null = null;

export function getServices(): Promise<Services> {
  const provided = providedServices();
  if (provided) return Promise.resolve(provided);
  own ??= openDatabase({ url: DATABASE_URL, authToken: DATABASE_AUTH_TOKEN ?? null }).then((db) =>
    createServices(db, { voteRateLimit: VOTE_RATE_LIMIT }),
  );
  return own;
}

export const getDb = async (): Promise<Database> => (await getServices()).db;
export const getLiveHub = async (): Promise<PollLiveHub> => (await getServices()).hub;
export const getVotingDeps = async (): Promise<VotingDeps> => (await getServices()).voting;
