/**
 * Hot-path queries that Kysely builds and compiles once and then runs with fresh values. Building and compiling
 * a query took as much CPU as SQLite took running it (a flag and its tally are a handful of short statements,
 * over a hundred a second under many small classes), so the queries of a flag and of a tally are built once.
 *
 * The builder is called once with named placeholders where the values go; each run puts the values in their
 * places among the compiled parameters. Only for queries whose shape does not depend on the values: no
 * `in (…)` lists, no branching on a value while building.
 */
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';

/** Where a value goes; stands in for it while the query is built. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** Anything that runs a compiled query: the database, or a transaction on it. */
export interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** A query's SQL with its values in their places, whose rows are `R`s: for Kysely or for SQLite directly. */
export interface BoundQuery<R> {
  readonly sql: string;
  /** Made afresh by each `bind`, so whoever runs the query may hand it on as it is. */
  readonly parameters: unknown[];
  /** Only a type: what a row of the result is. */
  readonly row?: R;
}

export interface CompiledOnceQuery<P, R> {
  /** Runs the query with these values. */
  (executor: Executor, values: P): Promise<QueryResult<R>>;
  /** The query with these values, to run later (see transaction-steps.ts). */
  bind(values: P): BoundQuery<R>;
}

const placeholders = new Proxy({}, { get: (_target, name) => new Placeholder(String(name)) });

export function compiledOnce<P extends Record<string, unknown>, R>(build: (values: P) => Compilable<R>): CompiledOnceQuery<P, R> {
  let compiled: CompiledQuery<R> | undefined;
  function bind(values: P): BoundQuery<R> {
    compiled ??= build(placeholders as P).compile();
    const parameters = compiled.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p));
    if (parameters.includes(undefined)) throw new Error(`a value is missing for: ${compiled.sql}`);
    return { sql: compiled.sql, parameters };
  }
  const run = (executor: Executor, values: P) => {
    const { sql, parameters } = bind(values);
    return executor.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<R>);
  };
  return Object.assign(run, { bind });
}
