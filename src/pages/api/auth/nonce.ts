import type { APIRoute } from 'astro';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { json, toResponse } from '../../../lib/platform/http/results';
import { storeNonce } from '../../../lib/auth/repo.server';
import { refuseOverLimit } from '../../../lib/rate-limit/limiter';
import { getServices } from '../../../app/app.server';

export const prerender = false;

/** A single-use nonce for a Sign-In with Ethereum message: 128 random bits, valid ten minutes. */
export const GET: APIRoute = async ({ locals }) => {
  const services = await getServices();
  const now = Date.now();
  const limited = await refuseOverLimit(
    services.nonceLimiter,
    locals.clientAddress,
    now,
    'Too many sign-in attempts; wait a moment.',
  );
  if (limited) return toResponse(limited);
  const nonce = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(16)));
  await storeNonce(services.db, nonce, now);
  return json({ nonce });
};
