import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerProblem, databaseDigest, requests, send } from '../helpers/fuzz.ts';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';

/**
 * Every JSON endpoint and form action, fed random and mutated requests with a
 * fixed seed (`npm run bench -- fuzz` runs many more with a fresh one):
 * never a 5xx, refusals in the error shape, and a refusal changes nothing in
 * the database.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const env = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS }, timeoutMs: 60_000 });

describe('endpoints under random input', () => {
  it(`answers ${RUNS} random requests without a 5xx, in the error shape, changing nothing when refusing`, async () => {
    const { url, databaseUrl } = env.server;
    await fc.assert(
      fc.asyncProperty(
        requests(url, { poll: 'open-single', post: 'opg-liquidity-ghost', token: 'opgsim' }),
        async (request) => {
          const before = await databaseDigest(databaseUrl);
          const answer = await send(url, request);
          expect(answerProblem(request, answer), `${request.target.method} ${request.path}`).toBeNull();
          if (answer.status >= 400) {
            expect(await databaseDigest(databaseUrl), `${request.target.method} ${request.path} ${answer.status}`).toBe(
              before,
            );
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
