import type { APIRoute } from 'astro';
import { json, problem } from '../../lib/http';
import { getDb } from '../../lib/server/app.server';
import { pingDatabase } from '../../lib/server/db.server';

export const prerender = false;

export const GET: APIRoute = async () => {
  const ok = await getDb().then(pingDatabase, () => false);
  return ok ? json({ ok: true }) : problem(503, 'unavailable', 'The database is not answering.', { ok: false });
};
