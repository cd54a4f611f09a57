/**
 * Copies SQLite's write-ahead log back into the database file from a worker thread, off the event loop.
 * Left to itself SQLite does this inside whichever commit makes the log pass 1,000 pages, and better-sqlite3
 * runs that commit on the event loop: under many small classes every second or two a flag's commit stalled
 * every socket for milliseconds (longer when the disk is busy), which was the p99 of cue fan-out and flag acks.
 * The worker's own connection checkpoints passively (never waiting for, nor blocking, the server's connection);
 * the server's connection keeps a far larger automatic threshold, so the log stays bounded if the worker is gone.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages in the log after which the server's own connection checkpoints (4 KiB each): the worker's backstop. */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

const CHECKPOINT_EVERY_MS = 500;

/** The worker, as CommonJS source: one connection, a passive checkpoint every interval, closed on request. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(file: string, onError: (error: unknown) => void = () => {}): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: CHECKPOINT_EVERY_MS } });
  // Never what keeps a process alive; a failed checkpoint leaves the backstop to the server's connection.
  worker.unref();
  worker.on('error', onError);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Waited for: a process that is closing its storage stays until the worker's connection is closed.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
