import { describe, expect, it } from 'vitest';
import { serverAndBrowser } from '../helpers/browser.ts';
import { openSse } from '../helpers/sse.ts';

/**
 * A reader whose network already holds every live stream it may (here one,
 * held by this test from the same address): the widget is refused a stream
 * and re-reads the poll instead, every STREAM_FALLBACK_EVERY (2 s here, 30 s
 * by default), which the refusal tells it.
 */
const env = serverAndBrowser({
  env: { VOTE_RATE_LIMIT: '0', MAX_STREAMS_PER_CLIENT: '1', STREAM_FALLBACK_EVERY: '2s' },
});

const POLL = 'opg-distribution-retail';
const OPTION = 'toward-retail';

describe('a poll widget refused a live stream', () => {
  it('keeps its results and shows a vote cast elsewhere after its next re-read', async () => {
    const held = await openSse(`${env.server.url}/api/polls/${POLL}/events`);
    const context = await env.browser.newContext();
    try {
      const page = await context.newPage();
      const streams: number[] = [];
      page.on('response', (response) => {
        if (response.url().includes('/events')) streams.push(response.status());
      });
      await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
      const votes = page.locator(`poll-widget [data-option="${OPTION}"] [data-votes]`);
      await votes.waitFor();
      // The live widget loads as the reader nears the poll at the end of the post.
      await votes.scrollIntoViewIfNeeded();
      // EventSource is refused, and the widget asks once more with fetch to learn why and for how long.
      await expect.poll(() => streams, { timeout: 10_000 }).toEqual([429, 429]);
      const shown = await votes.innerText();
      const before = Number(shown.split(' ')[0]);
      expect(shown).toMatch(/^\d+ votes?$/);
      // Refused, the widget still shows the results it had: nothing blanked or hidden.
      await expect(page.locator('poll-widget [data-total]').isVisible()).resolves.toBe(true);
      await expect(votes.innerText()).resolves.toBe(shown);

      const vote = await fetch(`${env.server.url}/api/polls/${POLL}/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ optionIds: [OPTION] }),
      });
      expect(vote.status).toBe(201);
      await page.waitForFunction(
        ({ option, expected }) =>
          document
            .querySelector(`poll-widget [data-option="${option}"] [data-votes]`)
            ?.textContent?.startsWith(`${expected} `),
        { option: OPTION, expected: before + 1 },
        { timeout: 10_000 },
      );
      // Re-reading, it waits out the refusal's Retry-After (60 s) before asking for a stream again.
      expect(streams).toEqual([429, 429]);
    } finally {
      held.close();
      await context.close();
    }
  });
});
