import { randomUUID } from 'node:crypto';
import { resolveSession, resolveToken, unauthenticated, userActor } from '@parley/core';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppContext } from '../context.js';
import type { Env } from './env.js';

export const SESSION_COOKIE = 'parley_session';

/** Gives every request an id, a child logger carrying it, and one access-log line. */
export const requestContext = (ctx: AppContext) =>
  createMiddleware<Env>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    const log = ctx.log.child({ requestId });
    c.set('ctx', ctx);
    c.set('requestId', requestId);
    c.set('log', log);
    c.set('auth', null);
    c.set('sessionSecret', null);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    // The path only: query strings may carry data a person did not mean to have logged.
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
  });

/** Works out who is calling: a bearer token first, then the session cookie. */
export const authenticate = createMiddleware<Env>(async (c, next) => {
  const ctx = c.get('ctx');
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const found = match?.[1] ? await resolveToken(ctx.domain, match[1]) : undefined;
    if (!found) {
      throw unauthenticated('invalid_token', 'The API token is not valid or has been revoked. Create a new one with: parley token create --user EMAIL');
    }
    c.set('auth', { actor: userActor(found.user), user: found.user, via: 'token', session: null });
    return next();
  }
  const secret = getCookie(c, SESSION_COOKIE);
  if (secret) {
    const found = await resolveSession(ctx.domain, secret);
    if (found) {
      c.set('auth', { actor: userActor(found.user), user: found.user, via: 'session', session: found.session });
      c.set('sessionSecret', secret);
    }
  }
  return next();
});

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders = createMiddleware<Env>(async (c, next) => {
  await next();
  c.header('Content-Security-Policy', CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  // A node reached over HTTPS (its own TLS, or a proxy's in front of an https:// public URL) is
  // never to be reached over plain HTTP again, where a network attacker could read the session.
  if (c.get('ctx').publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:') {
    c.header('Strict-Transport-Security', 'max-age=31536000');
  }
  if (c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');
});
