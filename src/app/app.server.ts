import * as env from 'astro:env/server';
import { toServerConfig } from '../lib/platform/runtime/config.ts';
import { openDatabase, type Database } from '../lib/platform/db/db.server.ts';
import type { PollLiveHub } from '../lib/polls/live.server.ts';
import { createServices, providedServices, type Services } from './services.server.ts';
import { resolveSite } from '../lib/platform/http/site-origin.ts';
import type { VotingDeps } from '../lib/polls/votes.server.ts';

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
    // astro dev listens where astro.config.mjs says: HOST and PORT, localhost:4321 by default.
    const raw: Record<string, string | undefined> = process.env;
    const site = resolveSite({
      siteUrl: config.siteUrl,
      host: raw['HOST'] || 'localhost',
      port: Number(raw['PORT'] || 4321),
      behindProxy: config.trustedProxies.rules.length > 0,
      production: raw['NODE_ENV'] === 'production',
    });
    own = openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken }).then((db) =>
      createServices(db, config, { site }),
    );
  }
  return own;
}

export const getDb = async (): Promise<Database> => (await getServices()).db;
export const getLiveHub = async (): Promise<PollLiveHub> => (await getServices()).hub;
export const getVotingDeps = async (): Promise<VotingDeps> => (await getServices()).voting;
