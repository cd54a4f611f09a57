/**
 * Runs `task(key)` at most once per `intervalMs` per key, however often it is asked, and at once when the key
 * has been quiet: the first request after a quiet spell runs immediately, requests during the interval that
 * follows fold into one run at its end. A thousand flags in a second become ten tally broadcasts, and a lone
 * flag in a quiet class reaches the tablet without waiting.
 */
export function createCoalescer(intervalMs: number, task: (key: string) => Promise<void>, onError: (error: unknown) => void) {
  /** Keys inside their interval; `true` when another run is due at its end. */
  const cooling = new Map<string, { isDue: boolean; timer: NodeJS.Timeout }>();
  let isStopped = false;

  function run(key: string): void {
    const entry = { isDue: false, timer: setTimeout(() => onIntervalEnd(key), intervalMs) };
    cooling.set(key, entry);
    task(key).catch(onError);
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
