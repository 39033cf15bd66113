import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionLimits, StreamGate, type StreamTicket } from '../../src/lib/platform/http/connection-limits.ts';
import { clientBucket } from '../../src/lib/platform/http/forwarded.ts';
import { DEFAULT_OPEN_FILE_LIMIT, openFileLimit } from '../../src/lib/platform/http/open-files.server.ts';
import type { StreamConfig } from '../../src/lib/platform/runtime/config.ts';

const streams = (max: number | null, perClient = 16): StreamConfig => ({
  max,
  perClient,
  lifetimeMs: 900_000,
  fallbackEveryMs: 30_000,
});

describe('connectionLimits', () => {
  it.each([
    [1024, null, { maxConnections: 896, maxStreams: 512, maxStreamsPerClient: 16 }],
    [20_000, null, { maxConnections: 19_872, maxStreams: 10_000, maxStreamsPerClient: 16 }],
    [20_000, 100, { maxConnections: 19_872, maxStreams: 100, maxStreamsPerClient: 16 }],
    // A small limit still leaves half its files for connections.
    [200, 50, { maxConnections: 100, maxStreams: 50, maxStreamsPerClient: 16 }],
    // A client is never allowed more than everyone.
    [1024, 4, { maxConnections: 896, maxStreams: 4, maxStreamsPerClient: 4 }],
  ])('with %i open files and MAX_STREAMS=%s: %j', (openFiles, max, expected) => {
    expect(connectionLimits(streams(max, 16), openFiles)).toEqual({ openFiles, ...expected });
  });

  it.each([
    [1024, 896],
    [1024, 5000],
    [200, null],
  ])('with %i open files refuses MAX_STREAMS=%s, which leaves no connection for other requests', (openFiles, max) => {
    expect(connectionLimits(streams(max), openFiles)).toEqual({
      problem: expect.stringMatching(/^MAX_STREAMS=\d+ leaves no connection for other requests/),
    });
  });
});

describe('openFileLimit', () => {
  const limits = (soft: string, hard: string): string =>
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             63432                63432                processes ',
      `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
    ].join('\n');

  it.each([
    [limits('1024', '524288'), 1024],
    [limits('20000', '20000'), 20_000],
    [limits('unlimited', 'unlimited'), DEFAULT_OPEN_FILE_LIMIT],
    ['', DEFAULT_OPEN_FILE_LIMIT],
  ])('reads the soft limit from /proc/self/limits (%#)', (text, expected) => {
    expect(openFileLimit(() => text)).toBe(expected);
  });

  it('falls back where there is no /proc', () => {
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(DEFAULT_OPEN_FILE_LIMIT);
  });

  it("reads this process's limit", () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});

describe('StreamGate', () => {
  it('refuses a client past its share, then everyone past the total, and lets them in as streams end', () => {
    const gate = new StreamGate({ maxStreams: 3, maxStreamsPerClient: 2 });
    const a1 = gate.admit('a') as StreamTicket;
    gate.admit('a');
    expect(gate.admit('a')).toEqual({ refused: 'client' });
    gate.admit('b');
    expect(gate.admit('c')).toEqual({ refused: 'server' });
    // A client at its share hears about its share first, whatever the total.
    expect(gate.admit('a')).toEqual({ refused: 'client' });
    a1.release();
    a1.release();
    expect(gate.open).toBe(2);
    expect(gate.admit('c')).toHaveProperty('release');
    expect(gate.admit('a')).toEqual({ refused: 'server' });
  });

  it('counts an IPv6 client by its /64, as the rate limits do', () => {
    const gate = new StreamGate({ maxStreams: 100, maxStreamsPerClient: 1 });
    expect(gate.admit(clientBucket('2001:db8:1:2::1'))).toHaveProperty('release');
    expect(gate.admit(clientBucket('2001:db8:1:2:ffff::9'))).toEqual({ refused: 'client' });
    expect(gate.admit(clientBucket('2001:db8:1:3::1'))).toHaveProperty('release');
  });

  it('never holds more than its limits, and holds nothing once every ticket is released', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd'), fc.nat()), { maxLength: 200 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (steps, perClient, total) => {
          const gate = new StreamGate({ maxStreams: total, maxStreamsPerClient: perClient });
          const held: { client: string; ticket: StreamTicket }[] = [];
          for (const [opening, client, pick] of steps) {
            if (opening || held.length === 0) {
              const ticket = gate.admit(client);
              if ('release' in ticket) held.push({ client, ticket });
            } else {
              held.splice(pick % held.length, 1)[0]?.ticket.release();
            }
            expect(gate.open).toBe(held.length);
            expect(gate.open).toBeLessThanOrEqual(total);
            for (const c of ['a', 'b', 'c', 'd']) {
              expect(held.filter((h) => h.client === c).length).toBeLessThanOrEqual(perClient);
            }
          }
          for (const { ticket } of held) ticket.release();
          expect(gate.open).toBe(0);
          expect(gate.admit('a')).toHaveProperty('release');
        },
      ),
    );
  });
});
