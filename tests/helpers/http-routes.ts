/**
 * Every HTTP route the server declares, read from its source (server/app.ts and the routers in server/http/):
 * tests that must cover every endpoint (fuzzing, authorization, CSRF, body limits) take their list from here, so
 * a route added tomorrow is covered by them, or fails them loudly, without anyone remembering to add it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: Method;
  /** Express path, with `:param` placeholders (e.g. `/api/classes/:classId`). */
  path: string;
}

const ROUTE_CALL = /\b(?:router|app)\.(get|post|put|patch|delete)\(\s*(\[[^\]]*\]|'[^']*')/g;
const QUOTED = /'([^']*)'/g;

export function declaredRoutes(root = process.cwd()): Route[] {
  const app = readFileSync(join(root, 'server/app.ts'), 'utf8');
  const routes: Route[] = routeCalls(app, '');
  for (const file of readdirSync(join(root, 'server/http')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = readFileSync(join(root, 'server/http', file), 'utf8');
    const factory = /export function (\w+Routes)\(/.exec(source)?.[1];
    if (!factory) continue;
    for (const prefix of mountPrefixes(app, factory)) routes.push(...routeCalls(source, prefix));
  }
  return routes;
}

/** Where app.ts mounts a router factory: `app.use('/api/x', …, factory(` or `app.use(factory(` (the root). */
function mountPrefixes(app: string, factory: string): string[] {
  const mounts = [...app.matchAll(new RegExp(`app\\.use\\(\\s*(?:'([^']*)'\\s*,)?[^;]*?\\b${factory}\\(`, 'g'))];
  if (mounts.length === 0) throw new Error(`server/http exports ${factory}, but server/app.ts does not mount it where this scanner looks`);
  return mounts.map((m) => m[1] ?? '');
}

function routeCalls(source: string, prefix: string): Route[] {
  const routes: Route[] = [];
  for (const [, method, paths] of source.matchAll(ROUTE_CALL)) {
    for (const [, path] of paths!.matchAll(QUOTED)) {
      const full = (prefix + path).replace(/(.)\/$/, '$1') || '/';
      routes.push({ method: method!.toUpperCase() as Method, path: full });
    }
  }
  return routes;
}

/** The names of a path's parameters (`:classId`, and `*rest` wildcards). */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/[:*](\w+)/g)].map((m) => m[1]!);
}

/** The path with each parameter replaced (values are URL-encoded here). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/[:*](\w+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

export const isStateChanging = (route: Route) => route.method !== 'GET';
