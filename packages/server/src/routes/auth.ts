import {
  completeSetup,
  DomainError,
  describeSetupLink,
  login,
  logout,
  presentUser,
  type SessionRecord,
  type UserRecord,
} from '@parley/core';
import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { RateLimiterRes, type RateLimiterMemory } from 'rate-limiter-flexible';
import type { Env } from '../http/env.js';
import { SESSION_COOKIE } from '../http/middleware.js';
import { mount } from '../http/mount.js';
import { accountKey } from '../store-limiter.js';

function startSession(c: Context<Env>, secret: string, session: SessionRecord, user: UserRecord) {
  // Over HTTPS, whether the node terminates TLS itself or a proxy does in front of its public URL.
  const secure = c.get('ctx').publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:';
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'Strict',
    secure,
    path: '/',
    expires: session.expiresAt,
  });
  return { user: presentUser(user), csrfToken: session.csrfToken };
}

/** A limiter and the key whose allowance an attempt takes from. */
type Allowance = [Pick<RateLimiterMemory, 'consume' | 'reward'>, string];

/**
 * Takes one attempt from each key's allowance before the attempt is made, and refuses it when any
 * allowance is spent. Counting only after a failure let attempts sent together all pass the check
 * before any was counted; a point taken first is taken from each of them.
 */
async function attempt(allowances: Allowance[], what = 'sign-in attempts'): Promise<void> {
  const taken = await Promise.allSettled(allowances.map(([limiter, key]) => limiter.consume(key)));
  const refused = taken.flatMap((t) => (t.status === 'rejected' ? [t.reason as unknown] : []));
  if (refused.length === 0) return;
  const failure = refused.find((r) => !(r instanceof RateLimiterRes));
  if (failure !== undefined) throw failure;
  // The attempt is not made: it costs nothing under the keys that still had room.
  await Promise.all(allowances.filter((_, i) => taken[i]!.status === 'fulfilled').map(([limiter, key]) => limiter.reward(key)));
  const retry = Math.max(1, Math.ceil(Math.max(...refused.map((r) => (r as RateLimiterRes).msBeforeNext)) / 1000));
  const minutes = Math.ceil(retry / 60);
  throw new DomainError('rate_limited', 'too_many_attempts', `Too many ${what}. Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`, { retryAfterSeconds: retry });
}

const clientAddress = (c: Context<Env>) => c.get('ctx').clientAddress(c.env.incoming);

export function authRoutes(app: Hono<Env>): void {
  mount(app, 'session', async ({ auth }) => {
    if (!auth.user || !auth.session) {
      // A bearer token has no session and needs no CSRF token; present the user all the same.
      return { user: presentUser(auth.user!), csrfToken: '' };
    }
    return { user: presentUser(auth.user), csrfToken: auth.session.csrfToken };
  });

  mount(app, 'login', async ({ c, body }) => {
    const ctx = c.get('ctx');
    const ip = clientAddress(c);
    await attempt([
      [ctx.loginLimiter, `ip:${ip}`],
      [ctx.accountLimiter, accountKey(body.email)],
    ]);
    try {
      const { secret, session, user } = await login(ctx.domain, body);
      // A successful sign-in counts against neither the address nor the account.
      await Promise.all([ctx.loginLimiter.reward(`ip:${ip}`), ctx.accountLimiter.delete(accountKey(body.email))]);
      return startSession(c, secret, session, user);
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'unauthenticated') {
        c.get('log').warn({ code: e.code }, 'sign-in refused');
        ctx.failedSignIns.note(accountKey(body.email), `ip:${ip}`);
      }
      throw e;
    }
  });

  mount(app, 'logout', async ({ c }) => {
    const secret = c.get('sessionSecret');
    if (secret) await logout(c.get('ctx').domain, secret);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
  });

  // A setup link's secret cannot be guessed, but each try costs a look-up and a password hash:
  // tries with links that do not work are limited per address like sign-ins.
  mount(app, 'setupInfo', async ({ c, body }) => {
    const key = `link:${clientAddress(c)}`;
    await attempt([[c.get('ctx').setupLinkLimiter, key]], 'attempts with setup links');
    const info = await describeSetupLink(c.get('ctx').domain, body.token);
    await c.get('ctx').setupLinkLimiter.reward(key);
    return info;
  });

  mount(app, 'setup', async ({ c, body, meta }) => {
    const ctx = c.get('ctx');
    const key = `link:${clientAddress(c)}`;
    await attempt([[ctx.setupLinkLimiter, key]], 'attempts with setup links');
    const user = await completeSetup(ctx.domain, body, meta);
    // A password set through a link counts as a sign-in: the account's failed attempts, which
    // may be why an administrator issued the link, no longer hold the person back.
    await Promise.all([ctx.setupLinkLimiter.reward(key), ctx.accountLimiter.delete(accountKey(user.email))]);
    const { secret, session } = await login(ctx.domain, { email: user.email, password: body.password });
    return startSession(c, secret, session, user);
  });
}
