import { describe, expect, it } from 'vitest';
import { isRangeTooLarge, isTransient, RangePlanner } from '../../src/lib/chain/ranges.ts';

describe('RangePlanner', () => {
  it('halves on refusal, grows back on success, never past the end or the maximum', () => {
    const planner = new RangePlanner(1000, 4000);
    expect(planner.next(0, 10_000)).toEqual({ from: 0, to: 999 });
    expect(planner.shrink()).toBe(true);
    expect(planner.next(0, 10_000)).toEqual({ from: 0, to: 499 });
    planner.succeeded();
    planner.succeeded();
    planner.succeeded();
    planner.succeeded();
    expect(planner.size).toBe(4000);
    expect(planner.next(9_000, 10_000)).toEqual({ from: 9_000, to: 10_000 });
  });

  it('gives up only at a single block', () => {
    const planner = new RangePlanner(2, 10);
    expect(planner.shrink()).toBe(true);
    expect(planner.shrink()).toBe(false);
  });
});

describe('error classification', () => {
  it.each([
    [{ code: -32005, message: 'limit exceeded' }, true],
    [{ message: 'query returned more than 10000 results' }, true],
    [{ message: 'block range is too wide' }, true],
    [{ name: 'ResponseBodyTooLargeError', message: 'HTTP response body exceeded the size limit.' }, true],
    [{ message: 'execution reverted' }, false],
  ])('range too large: %j -> %s', (error, expected) => expect(isRangeTooLarge(error)).toBe(expected));

  it.each([
    [{ status: 429, message: 'Too Many Requests' }, true],
    [{ status: 503, message: 'unavailable' }, true],
    [{ message: 'The request timed out.' }, true],
    [{ message: 'fetch failed', cause: 'Error: ECONNRESET' }, true],
    [{ status: 400, message: 'bad request' }, false],
    [{ message: 'execution reverted' }, false],
  ])('transient: %j -> %s', (error, expected) => expect(isTransient(error)).toBe(expected));
});
