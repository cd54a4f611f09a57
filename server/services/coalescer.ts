/**
 * Runs `task(key)` for each request, at once while the key has been quiet, and folded under a burst: each key
 * has a bucket of `burst` runs that refills by one every `intervalMs`. A lone flag, or two or three close
 * together, reach the tablet without waiting; a thousand flags in a second become one run per interval (ten a
 * second at 100 ms), the requests between runs folded into the next. Runs of one key never overlap: a slow one (a
 * presence count waiting on a process that died) finishes before the next starts, so what goes out last is
 * always the newest.
 */
export function createCoalescer(
  intervalMs: number,
  task: (key: string) => Promise<void>,
  onError: (error: unknown) => void,
  { burst = 3, now = () => performance.now() }: { burst?: number; now?: () => number } = {},
) {
  /**
   * Keys whose bucket is not full: its runs left (fractions refill with time), and the run folded requests
   * wait for. A key is forgotten once its bucket is full again, so the map holds only recently busy keys.
   */
  const buckets = new Map<string, { runs: number; at: number; due?: NodeJS.Timeout; forget: NodeJS.Timeout }>();
  /** Each key's latest run, while it is under way. */
  const running = new Map<string, Promise<void>>();
  let isStopped = false;

  function run(key: string): void {
    const current = (running.get(key) ?? Promise.resolve()).then(() => (isStopped ? undefined : task(key))).catch(onError);
    running.set(key, current);
    void current.then(() => {
      if (running.get(key) === current) running.delete(key);
    });
  }

  /** Takes one run from the key's bucket (refilled for the time since its last use) and runs, or waits for one. */
  function spend(key: string): void {
    const time = now();
    const bucket = buckets.get(key);
    const runs = bucket ? Math.min(burst, bucket.runs + (time - bucket.at) / intervalMs) : burst;
    if (runs < 1) {
      bucket!.runs = runs;
      bucket!.at = time;
      bucket!.due = setTimeout(() => {
        bucket!.due = undefined;
        if (!isStopped) spend(key);
      }, (1 - runs) * intervalMs);
      return;
    }
    const forgetAfterMs = (burst - (runs - 1)) * intervalMs;
    if (bucket) {
      bucket.runs = runs - 1;
      bucket.at = time;
      clearTimeout(bucket.forget);
      bucket.forget = setTimeout(() => buckets.delete(key), forgetAfterMs);
    } else {
      buckets.set(key, { runs: runs - 1, at: time, forget: setTimeout(() => buckets.delete(key), forgetAfterMs) });
    }
    run(key);
  }

  return {
    request(key: string): void {
      // Stopped for good (the server is shutting down): nothing may run against storage that is closing.
      if (isStopped) return;
      // A run already waits for the bucket: it will read the newest state, this request folds into it.
      if (buckets.get(key)?.due) return;
      spend(key);
    },
    stop(): void {
      isStopped = true;
      for (const { due, forget } of buckets.values()) {
        clearTimeout(due);
        clearTimeout(forget);
      }
      buckets.clear();
    },
  };
}
