/**
 * A transaction written once, as steps, and run by either engine: a generator that yields each of its queries
 * (bound to their values) and is handed back each one's rows. PostgreSQL awaits every query in a Kysely
 * transaction (`runSteps`); SQLite can run the whole body at once, synchronously, in one better-sqlite3
 * transaction (`runStepsNow`, sqlite-transact-now.ts). Why both: under many small classes, Kysely's asynchronous
 * layers around each of a flag's statements cost the server as much CPU as SQLite's work on them
 * (docs/performance.md, "A flag's transaction without Kysely's layers").
 */
import { CompiledQuery } from 'kysely';
import type { BoundQuery, Executor } from './compiled-once.js';

export type Steps<T> = Generator<BoundQuery<unknown>, T, unknown[]>;

/** One query's rows, inside a steps body: `const [row] = yield* rowsOf(query.bind(values))`. */
export function* rowsOf<R>(query: BoundQuery<R>): Generator<BoundQuery<unknown>, R[], unknown[]> {
  return (yield query) as R[];
}

/** Runs the steps' queries one after another on Kysely (a transaction, usually). */
export async function runSteps<T>(steps: Steps<T>, executor: Executor): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    const { rows } = await executor.executeQuery(CompiledQuery.raw(step.value.sql, step.value.parameters));
    step = steps.next(rows);
  }
  return step.value;
}

/** Runs the steps' queries one after another, now: `rows` runs a query synchronously. */
export function runStepsNow<T>(steps: Steps<T>, rows: (query: BoundQuery<unknown>) => unknown[]): T {
  let step = steps.next();
  while (!step.done) step = steps.next(rows(step.value));
  return step.value;
}
