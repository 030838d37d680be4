import {
  addPeer,
  confirmCheck,
  listChecks,
  listNotifications,
  listOutbox,
  listPeers,
  peerDirectories,
  removePeer,
  setPeerStatus,
  startCheck,
} from '@parley/core';
import { discover } from '@parley/federation';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

export function federationRoutes(app: Hono<Env>): void {
  mount(app, 'listPeers', async ({ c, auth }) => ({ peers: await listPeers(c.get('ctx').domain, auth.actor) }));
  mount(app, 'addPeer', async ({ c, auth, body, meta }) => {
    const { url, document } = await discover(body.url);
    return addPeer(c.get('ctx').domain, auth.actor, { url, fingerprint: body.fingerprint, presented: document }, meta);
  });
  mount(app, 'suspendPeer', async ({ c, auth, code, meta }) => setPeerStatus(c.get('ctx').domain, auth.actor, code, 'suspended', meta));
  mount(app, 'resumePeer', async ({ c, auth, code, meta }) => setPeerStatus(c.get('ctx').domain, auth.actor, code, 'trusted', meta));
  mount(app, 'removePeer', async ({ c, auth, code, meta }) => {
    await removePeer(c.get('ctx').domain, auth.actor, code, meta);
  });
  mount(app, 'federationDirectory', async ({ c, auth }) => ({ states: await peerDirectories(c.get('ctx').domain, auth.actor) }));
  mount(app, 'listMessages', async ({ c, auth, query }) => ({ messages: await listOutbox(c.get('ctx').domain, auth.actor, query) }));
  mount(app, 'listChecks', async ({ c, auth, query }) => ({ checks: await listChecks(c.get('ctx').domain, auth.actor, query) }));
  mount(app, 'startCheck', async ({ c, auth, body, meta }) => ({ checks: await startCheck(c.get('ctx').domain, auth.actor, body, meta) }));
  mount(app, 'confirmCheck', async ({ c, auth, id, body, meta }) => confirmCheck(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'notifications', async ({ c, auth }) => ({ notifications: await listNotifications(c.get('ctx').domain, auth.actor) }));
}
