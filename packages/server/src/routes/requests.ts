import {
  createRequest,
  deleteRequestDraft,
  exportRequest,
  getRequest,
  listLegalBases,
  listRequests,
  removeLegalBasis,
  requestCaseFile,
  requestStatistics,
  sendRequest,
  setLegalBasis,
  takeRequestStep,
  updateRequestDraft,
} from '@parley/core';
import type { Hono } from 'hono';
import { renderCasePdf } from '../export/case-pdf.js';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';
import { download } from './consultations.js';

const fileName = (id: string, tlp: string, ext: string) => `request-${id.slice(0, 8)}-TLP-${tlp.replace('+', '-')}.${ext}`;

/** Cooperation requests on information crimes (core/src/domain/cooperation.ts). */
export function requestRoutes(app: Hono<Env>): void {
  mount(app, 'listRequests', async ({ c, auth, query }) => ({ requests: await listRequests(c.get('ctx').domain, auth.actor, query) }));
  mount(app, 'createRequest', async ({ c, auth, body, meta }) => createRequest(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'getRequest', async ({ c, auth, id }) => getRequest(c.get('ctx').domain, auth.actor, id));
  mount(app, 'updateRequestDraft', async ({ c, auth, id, body, meta }) => updateRequestDraft(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'deleteRequestDraft', async ({ c, auth, id, meta }) => deleteRequestDraft(c.get('ctx').domain, auth.actor, id, meta));
  mount(app, 'sendRequest', async ({ c, auth, id, meta }) => sendRequest(c.get('ctx').domain, auth.actor, id, meta));
  mount(app, 'requestStep', async ({ c, auth, id, body, meta }) => takeRequestStep(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'exportRequestJson', async ({ c, auth, id }) => {
    const x = await exportRequest(c.get('ctx').domain, auth.actor, id);
    return download(JSON.stringify(x, null, 2), 'application/json', fileName(id, x.request.tlp, 'json')) as never;
  });
  mount(app, 'exportRequestPdf', async ({ c, auth, id }) => {
    const file = await requestCaseFile(c.get('ctx').domain, auth.actor, id);
    return download(new Uint8Array(await renderCasePdf(file)), 'application/pdf', fileName(id, file.tlp, 'pdf')) as never;
  });
  mount(app, 'requestStats', async ({ c, auth }) => requestStatistics(c.get('ctx').domain, auth.actor));
  mount(app, 'listLegalBases', async ({ c, auth }) => ({ legalBases: await listLegalBases(c.get('ctx').domain, auth.actor) }));
  mount(app, 'setLegalBasis', async ({ c, auth, code, body, meta }) => setLegalBasis(c.get('ctx').domain, auth.actor, code, body, meta));
  mount(app, 'removeLegalBasis', async ({ c, auth, code, meta }) => removeLegalBasis(c.get('ctx').domain, auth.actor, code, meta));
}
