import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { tokenFreshness } from '../../lib/chain/schedule.server';
import { json, problem } from '../../lib/platform/http/results';
import { getServices } from '../../app/app.server';
import { appliedMigrations, pingDatabase } from '../../lib/platform/db/db.server';

export const prerender = false;

/**
 * 200 while the database answers, whatever the snapshots: a stale token is
 * reported (its age and last error, for a monitor to alert on) but never
 * fails health, since rolling restarts wait on it. The operator's side of the
 * token pages' freshness line is here: whether each token is scheduled and,
 * when not, why (the pages only say "updated by hand").
 */
export const GET: APIRoute = async () => {
  const services = await getServices().catch(() => null);
  const ok = services ? await pingDatabase(services.db) : false;
  if (!services || !ok) return problem(503, 'unavailable', 'The database is not answering.', { ok: false });
  const now = Date.now();
  const tokens = (await getCollection('tokens')).map((t) => t.data);
  const freshness = await tokenFreshness(services.db, tokens, services.config).catch(() => null);
  return json({
    ok: true,
    // Applied to the database, beside what this build carries: more applied means a newer instance migrated it.
    migrations: { applied: await appliedMigrations(services.db), expected: services.migrations },
    snapshotEvery: services.config.snapshotEvery === null ? null : services.config.snapshotEvery / 1000,
    snapshots:
      freshness?.map((f) => ({
        token: f.token,
        scheduled: f.scheduled,
        unscheduledBecause: f.unscheduledBecause,
        block: f.latest?.block ?? null,
        takenAt: f.latest ? new Date(f.latest.takenAt).toISOString() : null,
        ageSeconds: f.latest ? Math.round((now - f.latest.takenAt) / 1000) : null,
        lastError: f.state?.failures ? f.state.lastError : null,
        lastErrorAt: f.state?.failures && f.state.lastErrorAt ? new Date(f.state.lastErrorAt).toISOString() : null,
        failures: f.state?.failures ?? 0,
        nextAttemptAt: f.state?.nextAttemptAt ? new Date(f.state.nextAttemptAt).toISOString() : null,
        confirmations: f.confirmations,
        // Scans of the token are stopped until `npm run snapshot -- <SYM> --rewind-to <block>`.
        reorganisedBelow: f.reorganisedBelow,
        problem: f.reorganisedBelow === null ? null : `chain reorganised below block ${f.reorganisedBelow}`,
      })) ?? null,
  });
};
