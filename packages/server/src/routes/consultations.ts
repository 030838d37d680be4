import {
  consultationCaseFile,
  consultationStix,
  createConsultation,
  deleteDraft,
  exportConsultation,
  getConsultation,
  indicatorsFromStix,
  indicatorsFromText,
  listConsultations,
  sendConsultation,
  takeStep,
  updateDraft,
} from '@parley/core';
import type { Hono } from 'hono';
import { renderCasePdf } from '../export/case-pdf.js';
import type { Env } from '../http/env.js';
import { mount } from '../http/mount.js';

/** A file to save, never to render in the browser; the name says what it is and its marking. */
export function download(body: string | Uint8Array, type: string, name: string): Response {
  return new Response(body, {
    headers: {
      'content-type': type,
      'content-disposition': `attachment; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

const fileName = (id: string, tlp: string, ext: string) => `consultation-${id.slice(0, 8)}-TLP-${tlp.replace('+', '-')}.${ext}`;

export function consultationRoutes(app: Hono<Env>): void {
  mount(app, 'listConsultations', async ({ c, auth, query }) => ({ consultations: await listConsultations(c.get('ctx').domain, auth.actor, query) }));
  mount(app, 'createConsultation', async ({ c, auth, body, meta }) => createConsultation(c.get('ctx').domain, auth.actor, body, meta));
  mount(app, 'getConsultation', async ({ c, auth, id }) => getConsultation(c.get('ctx').domain, auth.actor, id));
  mount(app, 'updateConsultationDraft', async ({ c, auth, id, body, meta }) => updateDraft(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'deleteConsultationDraft', async ({ c, auth, id, meta }) => deleteDraft(c.get('ctx').domain, auth.actor, id, meta));
  mount(app, 'sendConsultation', async ({ c, auth, id, meta }) => sendConsultation(c.get('ctx').domain, auth.actor, id, meta));
  mount(app, 'consultationStep', async ({ c, auth, id, body, meta }) => takeStep(c.get('ctx').domain, auth.actor, id, body, meta));
  mount(app, 'parseIndicators', async ({ auth, body }) => indicatorsFromText(auth.actor, body.text));
  mount(app, 'importStixIndicators', async ({ auth, body }) => indicatorsFromStix(auth.actor, body.bundle));
  mount(app, 'exportConsultationJson', async ({ c, auth, id }) => {
    const x = await exportConsultation(c.get('ctx').domain, auth.actor, id);
    return download(JSON.stringify(x, null, 2), 'application/json', fileName(id, x.consultation.tlp, 'json')) as never;
  });
  mount(app, 'exportConsultationPdf', async ({ c, auth, id }) => {
    const file = await consultationCaseFile(c.get('ctx').domain, auth.actor, id);
    return download(new Uint8Array(await renderCasePdf(file)), 'application/pdf', fileName(id, file.tlp, 'pdf')) as never;
  });
  mount(app, 'exportConsultationStix', async ({ c, auth, id }) => {
    const bundle = await consultationStix(c.get('ctx').domain, auth.actor, id);
    return download(JSON.stringify(bundle, null, 2), 'application/stix+json;version=2.1', `consultation-${id.slice(0, 8)}-indicators.stix.json`) as never;
  });
}
