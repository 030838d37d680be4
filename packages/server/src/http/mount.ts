import { DomainError, forbidden, invalid, may, plainIssue, routes, sameSecret, sessionRequired, unauthenticated, type RouteName, type RouteSpec } from '@parley/core';
import { MAX_JSON_DEPTH, nestsDeeperThan, unstorableText } from '@parley/protocol';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Auth, Env } from './env.js';

type Spec<N extends RouteName> = (typeof routes)[N];
type In<S, K extends 'body' | 'query'> = S extends Record<K, z.ZodType> ? z.output<S[K]> : undefined;
type Out<S> = S extends { response: z.ZodType } ? z.input<S['response']> : void;

export interface HandlerInput<N extends RouteName> {
  c: Context<Env>;
  body: In<Spec<N>, 'body'>;
  query: In<Spec<N>, 'query'>;
  id: string;
  /** A state code from the path, where the route has one. */
  code: string;
  /** Present on every route but the public ones. */
  auth: Auth;
  meta: { requestId: string };
}

/**
 * A request's body or query by its schema, in plain words where the schema has none of its own
 * (`plainIssue`), or refused with 400 `validation_failed` naming each field and what is wrong with it.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, detail: string): z.output<S> {
  const parsed = schema.safeParse(value, { error: plainIssue });
  if (!parsed.success) throw invalid('validation_failed', detail, parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  return parsed.data;
}

/** A query string by its schema, as `parseInput`. */
export const parseQuery = <S extends z.ZodType>(schema: S, c: Context<Env>): z.output<S> =>
  parseInput(schema, Object.fromEntries(new URL(c.req.url).searchParams), 'Some query parameters are not valid.');

async function readJson(c: Context<Env>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  }
  const text = await c.req.text();
  // Checked before parsing: every later walk of the value (text checks, schemas) recurses, and a
  // body of a million brackets would exhaust the stack and answer 500 rather than 400.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw invalid('too_deeply_nested', `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no request of this API needs that many.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('malformed_json', 'The request body is not valid JSON.');
  }
}

/**
 * Refuses a body or query holding, anywhere, text the store cannot hold (U+0000 or a lone UTF-16
 * surrogate), naming each place: checked once here for every route, before any schema, so no
 * field can forget it and the database never sees it.
 */
function storableOnly(value: unknown, detail: string): void {
  const issues = unstorableText(value);
  if (issues.length > 0) throw invalid('validation_failed', detail, issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

/**
 * Sign-in, CSRF, permission and, where the route asks for it, a session rather than a token, for a route of the contract; also used by routes that stream a
 * raw body or response (evidence files) and so are not mounted by `mount`.
 */
export function checkAccess(spec: RouteSpec, c: Context<Env>): Auth {
  const auth = c.get('auth');
  if (spec.access === 'public') return auth as Auth;
  if (!auth) throw unauthenticated('sign_in_required', 'Sign in first, or send an API token as Authorization: Bearer TOKEN.');
  if (auth.via === 'session' && spec.method !== 'get') {
    // Cookies ride along on cross-site requests; a header only this origin's script can set proves intent.
    const sent = c.req.header('x-csrf-token');
    if (!sent || !auth.session || !sameSecret(sent, auth.session.csrfToken)) {
      throw forbidden('csrf_failed', 'This request lacks the CSRF token of your session. Reload the page and try again.');
    }
  }
  if (spec.access !== 'session' && !may(auth.actor, spec.access)) {
    throw forbidden('forbidden', 'Your role does not allow this. Ask an administrator of this node.');
  }
  if (spec.sessionOnly && auth.via !== 'session') {
    throw sessionRequired(spec.tag === 'tokens' ? 'tokens' : 'users');
  }
  return auth;
}

/**
 * Mounts one contract route: authentication, CSRF, permission, input validation, then the
 * handler, then the declared status. Handlers only parse-call-present.
 */
export function mount<N extends RouteName>(app: Hono<Env>, name: N, handler: (input: HandlerInput<N>) => Promise<Out<Spec<N>>>): void {
  const spec = routes[name] as RouteSpec;
  const path = spec.path.replace(/\{(\w+)\}/g, ':$1');
  app.on(spec.method.toUpperCase(), path, async (c) => {
    const auth = checkAccess(spec, c);
    const id = c.req.param('id') ?? '';
    if (spec.path.includes('{id}') && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw invalid('invalid_id', `"${id}" is not an identifier of this API.`);
    }
    const code = c.req.param('code') ?? '';
    if (spec.path.includes('{code}') && !/^[A-Z]{3}$/.test(code)) {
      throw invalid('invalid_state_code', `"${code}" is not a state code; use three capital letters, such as XAB.`);
    }
    let body: unknown;
    if (spec.body) {
      const json = await readJson(c);
      storableOnly(json, 'Some fields are not valid.');
      body = parseInput(spec.body, json, 'Some fields are not valid.');
    }
    let query: unknown;
    if (spec.query) {
      const params = Object.fromEntries(new URL(c.req.url).searchParams);
      storableOnly(params, 'Some query parameters are not valid.');
      query = parseInput(spec.query, params, 'Some query parameters are not valid.');
    }
    const result = await handler({ c, body, query, id, code, auth, meta: { requestId: c.get('requestId') } } as HandlerInput<N>);
    // A file to download (an export) is answered as the handler made it.
    if (result instanceof Response) return result;
    if (spec.response === null) return c.body(null, 204);
    // Parsing the output drops any field a presenter did not declare: nothing leaks by accident.
    return c.json(spec.response.parse(result) as object, spec.status ?? 200);
  });
}
