import { request, type IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS, getResults, vote } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';

/**
 * The vote endpoint's body as the fast path reads it (by the request's
 * events, see readLimitedNodeBody): however the body arrives, the ballot is the
 * same, a body past the limit is refused without taking the server down, and
 * a client that goes away mid-body leaves nothing behind.
 */

const fixture = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });

/** POSTs `pieces` as a chunked body (no Content-Length), one write per piece, a few ms apart. */
function chunkedVote(
  pieces: readonly (string | Buffer)[],
  pollId = 'open-multi',
): Promise<{ status: number; body: Record<string, unknown>; headers: IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${fixture.server.url}/api/polls/${pollId}/votes`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
            headers: res.headers,
            bytes: Buffer.concat(chunks).byteLength,
          }),
        );
      },
    );
    req.on('error', reject);
    void (async () => {
      for (const piece of pieces) {
        req.write(piece);
        await new Promise((r) => setTimeout(r, 5));
      }
      req.end();
    })();
  });
}

const totalVotes = async (pollId: string): Promise<number> =>
  Number((await getResults(fixture.server.url, pollId)).totalVotes);

describe('the vote body on the fast path', () => {
  it('reads a body that arrives in pieces, a character split between two of them', async () => {
    const before = await totalVotes('open-multi');
    const answer = await chunkedVote(['{"optionIds":', '["a",', '"b"]}']);
    expect(answer.status).toBe(201);
    expect(answer.body.myVote).toEqual(['a', 'b']);
    expect(await totalVotes('open-multi')).toBe(before + 1);
    // "é" is two bytes in UTF-8, sent in two pieces: decoded piece by piece it would come back as two U+FFFD.
    const body = Buffer.from('{"optionIds":["caf\u00e9"]}');
    const at = body.indexOf(0xc3) + 1;
    const unknown = await chunkedVote([body.subarray(0, at), body.subarray(at)]);
    expect(unknown.status).toBe(400);
    // The answer is sent with its length in bytes (the message quotes "café"), not framed as chunks.
    expect(unknown.headers['transfer-encoding']).toBeUndefined();
    expect(Number(unknown.headers['content-length'])).toBe(unknown.bytes);
    expect(unknown.bytes).toBeGreaterThan(JSON.stringify(unknown.body).length);
    expect(unknown.body.message).toBe('This poll has no option "caf\u00e9".');
  });

  it('refuses a chunked body past 16 KB with 413, counts nothing, and answers the next vote', async () => {
    const before = await totalVotes('open-single');
    const big = await chunkedVote(
      ['{"optionIds":["a"],"pad":"', 'x'.repeat(9_000), 'x'.repeat(9_000), '"}'],
      'open-single',
    );
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('too_large');
    expect(await totalVotes('open-single')).toBe(before);
    const next = await vote(fixture.server.url, 'open-single', ['b']);
    expect(next.status).toBe(201);
    expect(await totalVotes('open-single')).toBe(before + 1);
  });

  it('keeps nothing of a client that goes away mid-body, and goes on answering', async () => {
    const before = await totalVotes('open-single');
    await new Promise<void>((resolve) => {
      const req = request(`${fixture.server.url}/api/polls/open-single/votes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '40' },
      });
      req.on('error', () => resolve());
      req.write('{"optionIds":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await totalVotes('open-single')).toBe(before);
    expect((await vote(fixture.server.url, 'open-single', ['c'])).status).toBe(201);
    expect(fixture.server.output()).not.toMatch(/unhandled/i);
  });
});
