import { addUser, createToken, enableUser, listTokens, listUsers, presentToken, presentUser, presentUserWithLink, reissueSetupLink, revokeToken, unlockUser, updateUser } from '@parley/core';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';
import { accountKey } from '../store-limiter.js';

export function accountRoutes(app: Hono<Env>): void {
  mount(app, 'listUsers', async ({ c, auth }) => {
    const users = await listUsers(c.get('ctx').domain, auth.actor);
    const locked = await c.get('ctx').accountLimiter.spent(users.map((u) => accountKey(u.email)));
    return { users: users.map((u) => ({ ...u, lockedUntil: locked.get(accountKey(u.email))?.toISOString() ?? null })) };
  });

  mount(app, 'createUser', async ({ c, auth, body, meta }) => {
    const { user, invite } = await addUser(c.get('ctx').domain, auth.actor, body, meta);
    return presentUserWithLink(user, invite!);
  });

  mount(app, 'updateUser', async ({ c, auth, id, body, meta }) => presentUser(await updateUser(c.get('ctx').domain, auth.actor, id, body, meta, auth.via)));

  mount(app, 'userLink', async ({ c, auth, id, meta }) => {
    const { user, link } = await reissueSetupLink(c.get('ctx').domain, auth.actor, id, meta);
    return presentUserWithLink(user, link);
  });

  mount(app, 'enableUser', async ({ c, auth, id, meta }) => {
    const { user, link } = await enableUser(c.get('ctx').domain, auth.actor, id, meta);
    return presentUserWithLink(user, link);
  });

  mount(app, 'unlockUser', async ({ c, auth, id, meta }) => {
    const ctx = c.get('ctx');
    const { user } = await unlockUser(ctx.domain, auth.actor, id, meta);
    await ctx.failedSignIns.forgive(accountKey(user.email), ctx.loginLimiter);
    return { ...presentUser(user), lockedUntil: null };
  });

  mount(app, 'listTokens', async ({ c, auth }) => ({ tokens: await listTokens(c.get('ctx').domain, auth.actor, auth.user!.id) }));

  mount(app, 'createToken', async ({ c, auth, body, meta }) => {
    const { token, secret } = await createToken(c.get('ctx').domain, auth.actor, { userId: auth.user!.id }, body.name, meta);
    return { token: presentToken(token), secret };
  });

  mount(app, 'revokeToken', async ({ c, auth, id, meta }) => presentToken(await revokeToken(c.get('ctx').domain, auth.actor, id, meta)));
}
