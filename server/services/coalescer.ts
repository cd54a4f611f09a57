/**
 * Runs `task(key)` at most once per `intervalMs` per key, however often it is asked, and at once when the key
 * has been quiet: the first request after a quiet spell runs immediately, requests during the interval that
 * follows fold into one run at its end. A thousand flags in a second become ten tally broadcasts, and a lone
 * flag in a quiet class reaches the tablet without waiting. Runs of one key never overlap: a slow one (a
 * presence count waiting on a process that died) finishes before the next starts, so what goes out last is
 * always the newest.
 */
export function createCoalescer(intervalMs: number, task: (key: string) => Promise<void>, onError: (error: unknown) => void) {
  /** Keys inside their interval; `true` when another run is due at its end. */
  const cooling = new Map<string, { isDue: boolean; timer: NodeJS.Timeout }>();
  /** Each key's latest run, while it is under way. */
  const running = new Map<string, Promise<void>>();
  let isStopped = false;

  function run(key: string): void {
    const entry = { isDue: false, timer: setTimeout(() => onIntervalEnd(key), intervalMs) };
    cooling.set(key, entry);
    const current = (running.get(key) ?? Promise.resolve()).then(() => (isStopped ? undefined : task(key))).catch(onError);
    running.set(key, current);
    void current.then(() => {
      if (running.get(key) === current) running.delete(key);
    });
  }

  function onIntervalEnd(key: string): void {
    const entry = cooling.get(key);
    cooling.delete(key);
    if (entry?.isDue && !isStopped) run(key);
  }

  return {
    request(key: string): void {
      // Stopped for good (the server is shutting down): nothing may run against storage that is closing.
      if (isStopped) return;
      const entry = cooling.get(key);
      if (entry) entry.isDue = true;
      else run(key);
    },
    stop(): void {
      isStopped = true;
      for (const { timer } of cooling.values()) clearTimeout(timer);
      cooling.clear();
    },
  };
}
