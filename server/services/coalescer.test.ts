import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from './coalescer.js';

/** A coalescer on the fake clock, recording when each key's task ran. */
function recording(burst = 3) {
  const runs: { key: string; at: number }[] = [];
  const coalescer = createCoalescer(
    100,
    async (key) => void runs.push({ key, at: Date.now() }),
    (error) => {
      throw error;
    },
    { burst, now: () => Date.now() },
  );
  return { runs, coalescer };
}

/** Advances the fake clock and lets the tasks' promises settle. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the coalescer', () => {
  it('runs at once while a key is quiet, a few close requests included', async () => {
    const { runs, coalescer } = recording();
    for (const at of [0, 20, 40]) {
      await advance(at - Date.now());
      coalescer.request('class');
    }
    await advance(0);
    expect(runs.map((run) => run.at)).toEqual([0, 20, 40]);
    coalescer.stop();
  });

  it('folds a burst into one run per interval, the last request always answered', async () => {
    const { runs, coalescer } = recording();
    // 1,000 requests in one second, one a millisecond.
    for (let ms = 0; ms < 1000; ms++) {
      coalescer.request('class');
      await advance(1);
    }
    await advance(500);
    const times = runs.map((run) => run.at);
    // Three at once (the bucket), then one every 100 ms: never more than 3 + 10 in a second.
    expect(times.slice(0, 3)).toEqual([0, 1, 2]);
    for (let i = 3; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(99);
    for (const start of times) expect(times.filter((at) => at >= start && at < start + 1000).length).toBeLessThanOrEqual(13);
    // The request at 999 ms is answered by a run after it, within one interval.
    expect(times.at(-1)!).toBeGreaterThanOrEqual(999);
    expect(times.at(-1)!).toBeLessThanOrEqual(999 + 100);
    coalescer.stop();
  });

  it('keeps keys apart, and forgets a key once its bucket is full again', async () => {
    const { runs, coalescer } = recording(1);
    coalescer.request('a');
    coalescer.request('b');
    coalescer.request('a');
    await advance(0);
    expect(runs).toEqual([
      { key: 'a', at: 0 },
      { key: 'b', at: 0 },
    ]);
    await advance(100);
    expect(runs.at(-1)).toEqual({ key: 'a', at: 100 });
    await advance(1000);
    coalescer.request('a');
    await advance(0);
    expect(runs.at(-1)).toEqual({ key: 'a', at: 1100 });
    expect(vi.getTimerCount()).toBe(1);
    coalescer.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs nothing after stop', async () => {
    const { runs, coalescer } = recording(1);
    coalescer.request('a');
    await advance(0);
    coalescer.request('a');
    coalescer.stop();
    await advance(1000);
    coalescer.request('a');
    await advance(0);
    expect(runs).toEqual([{ key: 'a', at: 0 }]);
  });
});
