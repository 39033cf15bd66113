import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PollRecord } from '../../src/lib/polls/records.ts';
import { PollLiveHub, type Subscriber } from '../../src/lib/polls/live.server.ts';
import { pollRecord } from '../helpers/poll-record.ts';

const poll = (version: number, votes: number): PollRecord =>
  pollRecord({
    results: 'after-vote',
    totalVotes: votes,
    version,
    options: [
      { optionId: 'a', position: 0, label: 'A', labels: {}, importedVotes: 0, votes },
      { optionId: 'b', position: 1, label: 'B', labels: {}, importedVotes: 0, votes: 0 },
    ],
  });

function subscriber(hasVoted: boolean): Subscriber & { chunks: string[] } {
  const chunks: string[] = [];
  return { hasVoted, chunks, write: (c) => chunks.push(c), close: () => chunks.push('<closed>') };
}

afterEach(() => vi.useRealTimers());

describe('PollLiveHub', () => {
  it('coalesces bursts into one event per window and reads the poll once per event, however many subscribers', async () => {
    vi.useFakeTimers();
    let votes = 0;
    const load = vi.fn(async () => poll(votes, votes));
    const hub = new PollLiveHub({ load, versions: async () => new Map() }, { now: () => Date.now() });
    const subscribers = Array.from({ length: 100 }, (_, i) => subscriber(i % 2 === 0));
    const stops = subscribers.map((s) => hub.subscribe('p', s, 0));

    for (let i = 0; i < 10; i++) {
      votes += 1;
      hub.notify('p');
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(load).toHaveBeenCalledTimes(1);
    expect(subscribers.every((s) => s.chunks.length === 1)).toBe(true);

    // 50 ms after the last event: this one waits for the 250 ms window to end.
    votes += 1;
    hub.notify('p');
    await vi.advanceTimersByTimeAsync(150);
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(load).toHaveBeenCalledTimes(2);

    // Readers who have not voted never receive counts of an after-vote poll.
    const [voter, other] = [subscribers[0], subscribers[1]];
    expect(voter?.chunks[1]).toContain('"totalVotes":11');
    expect(other?.chunks[1]).toContain('"totalVotes":null');
    expect(other?.chunks.join('')).not.toMatch(/"votes":\d/);
    stops.forEach((stop) => stop());
    expect(hub.subscriberCount()).toBe(0);
  });

  it('notices writes made by another instance through the version check', async () => {
    vi.useFakeTimers();
    let version = 1;
    const hub = new PollLiveHub(
      { load: async () => poll(version, version), versions: async () => new Map([['p', version]]) },
      { watchMs: 1000, now: () => Date.now() },
    );
    const s = subscriber(true);
    hub.subscribe('p', s, 1);
    await vi.advanceTimersByTimeAsync(1500);
    expect(s.chunks).toHaveLength(0);
    version = 2;
    await vi.advanceTimersByTimeAsync(1500);
    expect(s.chunks).toHaveLength(1);
    hub.closeAll(3000);
    expect(s.chunks.slice(1)).toEqual(['retry: 3000\n\n', '<closed>']);
    // Once closed (shutting down), a late subscriber is sent away at once.
    const late = subscriber(false);
    hub.subscribe('p', late, 2);
    expect(late.chunks).toEqual(['retry: 3000\n\n', '<closed>']);
    expect(hub.subscriberCount()).toBe(0);
  });
});
