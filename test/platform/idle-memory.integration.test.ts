import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { IdleCollector, startIdleCollector } from '../../src/lib/platform/runtime/idle-memory.server.ts';

/** A collector whose ticks the test takes by hand; `log` records each collection. */
function collector(quietTicks = 3): { idle: IdleCollector; log: number[] } {
  const log: number[] = [];
  const idle = new IdleCollector(() => log.push(log.length), { quietTicks });
  return { idle, log };
}

const ticks = (idle: IdleCollector, n: number): void => {
  for (let i = 0; i < n; i++) idle.tick();
};

describe('IdleCollector', () => {
  it('collects once after start-up, which allocates as a busy spell does, in an instance nobody asks anything', () => {
    const { idle, log } = collector(3);
    ticks(idle, 2);
    expect(log).toEqual([]);
    ticks(idle, 20);
    expect(log).toEqual([0]);
  });

  it('collects once, on the quietTicks-th tick without a request after one that saw some', () => {
    const { idle, log } = collector(3);
    idle.touch();
    idle.tick(); // saw the request
    ticks(idle, 2);
    expect(log).toEqual([]);
    idle.tick();
    expect(log).toEqual([0]);
    // However long the quiet lasts, once.
    ticks(idle, 50);
    expect(idle.collections).toBe(1);
  });

  it('starts counting again at every request, and collects again after the next busy spell', () => {
    const { idle, log } = collector(3);
    idle.touch();
    idle.tick();
    ticks(idle, 2);
    idle.touch(); // one request just before the spell would have been long enough
    idle.tick();
    ticks(idle, 2);
    expect(log).toEqual([]);
    idle.tick();
    expect(log).toEqual([0]);
    idle.touch();
    ticks(idle, 4);
    expect(log).toEqual([0, 1]);
  });

  it('keeps collecting off under steady traffic', () => {
    const { idle, log } = collector(2);
    for (let i = 0; i < 100; i++) {
      idle.touch();
      idle.tick();
    }
    expect(log).toEqual([]);
  });

  it('is off in a process without --expose-gc (as this test runner is), unless given what to collect with', () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(startIdleCollector()).toBeNull();
    const started = startIdleCollector({ collect: () => undefined, tickMs: 60_000 });
    expect(started).toBeInstanceOf(IdleCollector);
    started?.stop();
  });

  it("runs V8's full collection in a process started with --expose-gc, once the quiet spell is long enough", () => {
    // A real process with the flag, ticking fast: V8 reports each collection it makes to a PerformanceObserver.
    const script = `
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      import { startIdleCollector } from ${JSON.stringify(new URL('../../src/lib/platform/runtime/idle-memory.server.ts', import.meta.url).href)};
      const majors = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(entry);
      }).observe({ entryTypes: ['gc'] });
      const idle = startIdleCollector({ tickMs: 20, quietTicks: 2 });
      idle.touch();
      setTimeout(() => { idle.stop(); console.log(JSON.stringify({ collections: idle.collections, majors: majors.length })); }, 400);
    `;
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const { collections, majors } = JSON.parse(out) as { collections: number; majors: number };
    expect(collections).toBe(1);
    expect(majors).toBeGreaterThanOrEqual(1);
  });
});
