import { getMailPreferences, setMailPreferences } from '@parley/core';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

/** A person's own settings (notification e-mail); each acts on the signed-in person only. */
export function mailRoutes(app: Hono<Env>): void {
  mount(app, 'myPreferences', async ({ c, auth }) => {
    const ctx = c.get('ctx');
    return { ...(await getMailPreferences(ctx.domain, auth.actor)), mailConfigured: ctx.mailer !== null };
  });
  mount(app, 'updateMyPreferences', async ({ c, auth, body, meta }) => {
    const ctx = c.get('ctx');
    return { ...(await setMailPreferences(ctx.domain, auth.actor, meta, body)), mailConfigured: ctx.mailer !== null };
  });
}
