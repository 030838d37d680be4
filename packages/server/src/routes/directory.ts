import { createContact, getContact, listAudit, listContacts, retireContact, updateContact } from '@parley/core';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

export function directoryRoutes(app: Hono<Env>): void {
  mount(app, 'listContacts', async ({ c, auth, query }) => ({ contacts: await listContacts(c.get('ctx').domain, auth.actor, query.status) }));
  mount(app, 'createContact', async ({ c, auth, body, meta }) => createContact(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'getContact', async ({ c, auth, id }) => getContact(c.get('ctx').domain, auth.actor, id));
  mount(app, 'updateContact', async ({ c, auth, id, body, meta }) => updateContact(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'retireContact', async ({ c, auth, id, body, meta }) => retireContact(c.get('ctx').domain, auth.actor, id, body.version, meta));
  mount(app, 'contactHistory', async ({ c, auth, id }) => {
    const ctx = c.get('ctx');
    await getContact(ctx.domain, auth.actor, id);
    // The directory's history is part of the directory: readable by anyone who may read the contact.
    return { entries: await listAudit(ctx.domain, { type: 'operator' }, { entityType: 'contact', entityId: id, limit: 500 }) };
  });
  mount(app, 'audit', async ({ c, auth, query }) => ({ entries: await listAudit(c.get('ctx').domain, auth.actor, query) }));
  mount(app, 'node', async ({ c }) => c.get('ctx').nodeInfo());
  mount(app, 'nodeIdentity', async ({ c }) => c.get('ctx').nodeInfo());
}
