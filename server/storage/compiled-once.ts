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
interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const placeholders = new Proxy({}, { get: (_target, name) => new Placeholder(String(name)) });

export function compiledOnce<P extends Record<string, unknown>, R>(
  build: (values: P) => Compilable<R>,
): (executor: Executor, values: P) => Promise<QueryResult<R>> {
  let compiled: CompiledQuery<R> | undefined;
  return (executor, values) => {
    compiled ??= build(placeholders as P).compile();
    const parameters = compiled.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p));
    if (parameters.includes(undefined)) throw new Error(`a value is missing for: ${compiled.sql}`);
    return executor.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>);
  };
}
