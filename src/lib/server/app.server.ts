import * as env from 'astro:env/server';
import { toServerConfig } from './server-config.ts';
import { openDatabase, type Database } from './db.server.ts';
import type { PollLiveHub } from '../polls/live.server.ts';
import { createServices, providedServices, type Services } from './services.server.ts';
import type { VotingDeps } from '../polls/votes.server.ts';

/**
 * Services for code inside Astro's bundle: those scripts/serve.ts provided,
 * or (under `astro dev`) ones created here from astro:env.
 */
let own: Promise<Services> | null = null;

export function getServices(): Promise<Services> {
  const provided = providedServices();
  if (provided) return Promise.resolve(provided);
  if (!own) {
    // astro:env has validated each variable; toServerConfig adds the cross-field rules.
    const config = toServerConfig(env, [], process.env);
    own = openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken }).then((db) =>
      createServices(db, config),
    );
  }
  return own;
}

export const getDb = async (): Promise<Database> => (await getServices()).db;
export const getLiveHub = async (): Promise<PollLiveHub> => (await getServices()).hub;
export const getVotingDeps = async (): Promise<VotingDeps> => (await getServices()).voting;
