import type { APIRoute } from 'astro';
import { embedSnippet, frameHeight, pollIdFromUrl } from '../lib/embed/embed';
import { json, problem } from '../lib/platform/http/results';
import { getPoll } from '../lib/polls/store/reads.server';
import { getServices } from '../app/app.server';
import { SITE } from '../lib/site/site';

export const prerender = false;

/**
 * oEmbed (https://oembed.com/) for poll pages: `GET /oembed?url=<poll page>[&format=json][&maxwidth=N]`
 * answers a `rich` embed whose HTML is the poll's frame and resize script.
 */
export const GET: APIRoute = async ({ url, locals }) => {
  const services = await getServices();
  const origin = locals.origin;
  const format = url.searchParams.get('format') ?? 'json';
  // The spec's answer to a format the provider does not offer.
  if (format !== 'json') return problem(501, 'not_implemented', 'Only format=json is offered.');
  const target = url.searchParams.get('url');
  if (!target) return problem(400, 'bad_request', 'Give the poll page to embed as ?url=.');
  const id = pollIdFromUrl(target, origin);
  if (!id) return problem(404, 'not_found', `${target} is not a poll page of this site.`);
  const poll = await getPoll(services.db, id);
  if (!poll) return problem(404, 'not_found', `There is no poll "${id}".`);
  const maxwidth = Number(url.searchParams.get('maxwidth') ?? 640);
  if (!Number.isInteger(maxwidth) || maxwidth <= 0)
    return problem(400, 'bad_request', 'maxwidth must be a positive integer.');
  const height = frameHeight(poll.options.length);
  return json(
    {
      version: '1.0',
      type: 'rich',
      provider_name: SITE.name,
      provider_url: `${origin}/`,
      title: poll.question,
      html: embedSnippet(origin, { id: poll.id, question: poll.question, options: poll.options.length }),
      width: Math.min(maxwidth, 640),
      height,
      cache_age: 3600,
    },
    200,
    { 'cache-control': 'public, max-age=300' },
  );
};
