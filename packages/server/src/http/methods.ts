import type { Hono } from 'hono';
import type { Env } from './env.js';

/**
 * A path this node serves, asked for with a method it does not take there: answered 405 with an
 * `Allow` header listing those it does (RFC 9110 §15.5.6), as a problem like every refusal.
 */
export class MethodNotAllowed extends Error {
  override readonly name = 'MethodNotAllowed';
  constructor(
    readonly allow: readonly string[],
    method: string,
    path: string,
  ) {
    super(`${path} does not take ${method}; it takes ${allow.join(', ')}.`);
  }
}

/** A Hono route path as a regular expression: `:name` is one segment, `*` anything. */
function pathPattern(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z_]\w*|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The methods the routes of `app` take at a path under one of `prefixes`, read from the routes
 * registered on it (middleware, registered for every method, aside) when first asked, so every
 * route declared until then counts. A route answering GET answers HEAD too.
 */
export function routeMethods(app: Hono<Env>, prefixes: readonly string[]): (path: string) => string[] {
  let routes: { method: string; pattern: RegExp }[] | undefined;
  return (path) => {
    routes ??= app.routes
      .filter((r) => r.method !== 'ALL' && prefixes.some((p) => r.path.startsWith(p)))
      .map((r) => ({ method: r.method.toUpperCase(), pattern: pathPattern(r.path) }));
    const methods = new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
