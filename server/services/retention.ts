/**
 * Retention of raw flags: on start and then daily, every class with flags older than the retention time has
 * its flags archived (what they add up to is kept, so its summary and trend still show the same) and deleted.
 * Several processes may run it at once: archiving a class is one transaction, and a run that loses to another
 * leaves the class for the next run.
 */
import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.js';

/** Raw flags are kept this long unless configured otherwise (RETENTION_DAYS). */
export const DEFAULT_RETENTION_MS = 90 * 24 * 60 * 60_000;

const DAY_MS = 24 * 60 * 60_000;

export interface RetentionResult {
  classes: number;
  flags: number;
}

export function createRetentionJob(deps: { storage: Storage; retentionMs: number; logger: Logger; now?: () => number }) {
  const { storage, retentionMs, logger } = deps;
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;

  /** Archives and deletes the raw flags stored before `at - retentionMs`. */
  async function runOnce(at: number = now()): Promise<RetentionResult> {
    const result: RetentionResult = { classes: 0, flags: 0 };
    for (const classId of await storage.archive.listClassesWithFlagsBefore(at - retentionMs)) {
      try {
        result.flags += await storage.archive.archiveFlags(classId, at);
        result.classes += 1;
      } catch (err) {
        logger.warn({ err, classId }, 'archiving a class’s flags failed; the next run retries');
      }
    }
    if (result.classes > 0) logger.info(result, 'retention deleted raw flags');
    return result;
  }

  const runLogged = () => void runOnce().catch((err: unknown) => logger.error({ err }, 'retention run failed'));

  return {
    runOnce,
    /** Runs now and then every day, without keeping the process alive. */
    start(): void {
      runLogged();
      timer = setInterval(runLogged, DAY_MS);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}

export type RetentionJob = ReturnType<typeof createRetentionJob>;
