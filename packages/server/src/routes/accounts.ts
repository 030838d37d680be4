import { addUser, createToken, listTokens, listUsers, presentToken, presentUser, reissueSetupLink, revokeToken, updateUser } from '@parley/core';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

export function accountRoutes(app: Hono<Env>): void {
  mount(app, 'listUsers', async ({ c, auth }) => ({ users: await listUsers(c.get('ctx').domain, auth.actor) }));

  mount(app, 'createUser', async ({ c, auth, body, meta }) => {
    const { user, invite } = await addUser(c.get('ctx').domain, auth.actor, body, meta);
    return { user: presentUser(user), setupLink: invite!.link, expiresAt: invite!.expiresAt.toISOString() };
  });

  mount(app, 'updateUser', async ({ c, auth, id, body, meta }) => presentUser(await updateUser(c.get('ctx').domain, auth.actor, id, body, meta)));

  mount(app, 'userLink', async ({ c, auth, id, meta }) => {
    const { user, link } = await reissueSetupLink(c.get('ctx').domain, auth.actor, id, meta);
    return { user: presentUser(user), setupLink: link.link, expiresAt: link.expiresAt.toISOString() };
  });

  mount(app, 'listTokens', async ({ c, auth }) => ({ tokens: await listTokens(c.get('ctx').domain, auth.actor, auth.user!.id) }));

  mount(app, 'createToken', async ({ c, auth, body, meta }) => {
    const { token, secret } = await createToken(c.get('ctx').domain, auth.actor, { userId: auth.user!.id }, body.name, meta);
    return { token: presentToken(token), secret };
  });

  mount(app, 'revokeToken', async ({ c, auth, id, meta }) => presentToken(await revokeToken(c.get('ctx').domain, auth.actor, id, meta)));
}
