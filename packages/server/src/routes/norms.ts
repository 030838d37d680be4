import {
  exportNorms,
  exportNormsCsv,
  getNormEntry,
  getNormInvocationCounts,
  getNormMatrix,
  getNormPublication,
  getPublicNorms,
  importNormCsv,
  listNormCatalogue,
  normCatalogue,
  previewNormImport,
  setNormNote,
  setNormPosition,
  setNormPublication,
  unauthenticated,
} from '@parley/core';
import type { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

export function normRoutes(app: Hono<Env>): void {
  // Read and check the catalogue now, so that a broken list stops the node at start.
  normCatalogue();
  mount(app, 'normCatalogue', async ({ c, auth }) => listNormCatalogue(c.get('ctx').domain, auth.actor));
  mount(app, 'normEntry', async ({ c, auth, query }) => getNormEntry(c.get('ctx').domain, auth.actor, query.entry));
  mount(app, 'setNormPosition', async ({ c, auth, body, meta }) => setNormPosition(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'setNormNote', async ({ c, auth, body, meta }) => setNormNote(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'normMatrix', async ({ c, auth, query }) => getNormMatrix(c.get('ctx').domain, auth.actor, query));
  mount(app, 'normInvocations', async ({ c, auth }) => getNormInvocationCounts(c.get('ctx').domain, auth.actor));
  mount(app, 'previewNormImport', async ({ c, auth, body }) => previewNormImport(c.get('ctx').domain, auth.actor, body.csv));
  mount(app, 'importNorms', async ({ c, auth, body, meta }) => importNormCsv(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'exportNorms', async ({ c, auth }) => exportNorms(c.get('ctx').domain, auth.actor));
  mount(app, 'normPublication', async ({ c, auth }) => getNormPublication(c.get('ctx').domain, auth.actor));
  mount(app, 'setNormPublication', async ({ c, auth, body, meta }) => setNormPublication(c.get('ctx').domain, auth.actor, body.published, meta));
  mount(app, 'publicNorms', async ({ c }) => getPublicNorms(c.get('ctx').domain));
  // A file to download rather than a JSON answer, so it is served here rather than through the
  // contract; the domain function checks `norms.read` like every other route.
  app.get('/norms/export.csv', async (c) => {
    const auth = c.get('auth');
    if (!auth) throw unauthenticated('sign_in_required', 'Sign in first, or send an API token as Authorization: Bearer TOKEN.');
    const ctx = c.get('ctx');
    const csv = await exportNormsCsv(ctx.domain, auth.actor);
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="norms-positions-${ctx.identity.stateCode}.csv"`,
    });
  });
}
