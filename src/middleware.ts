import { defineMiddleware } from 'astro:middleware';
import { readVoterId } from './lib/server/voter';

/** Fills Astro.locals from the request; every page and endpoint decides access itself. */
export const onRequest = defineMiddleware((context, next) => {
  // Prerendered pages are built once for everyone: there is no reader to identify.
  context.locals.voterId = context.isPrerendered ? null : readVoterId(context.cookies);
  return next();
});
