/**
 * Runs `task(key)` at most once per `delayMs` per key, however often it is asked: a thousand flags in a
 * second become a handful of tally broadcasts, each computed fresh from storage and so exact.
 */
export function createCoalescer(delayMs: number, task: (key: string) => Promise<void>, onError: (error: unknown) => void) {
  const pending = new Map<string, NodeJS.Timeout>();
  let isStopped = false;
  return {
    request(key: string): void {
      // Stopped for good (the server is shutting down): nothing may run against storage that is closing.
      if (isStopped || pending.has(key)) return;
      pending.set(
        key,
        setTimeout(() => {
          pending.delete(key);
          task(key).catch(onError);
        }, delayMs),
      );
    },
    stop(): void {
      isStopped = true;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
