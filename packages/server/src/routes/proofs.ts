import { buildMessageProof, logLookupQuery, logLookupResponse, lookupLogEntries } from '@parley/core';
import { httpPeerLog } from '@parley/federation';
import { LOG_PATHS, ProofError, verifyProofBundle } from '@parley/protocol';
import type { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';
import { mount, parseQuery } from '../http/mount.js';

/** `GET /log/lookup?hash=`: public like the rest of the log, so a peer or a verifier finds the entries about an envelope. */
export function logLookupRoute(app: Hono<Env>, ctx: AppContext): void {
  app.get(LOG_PATHS.lookup, async (c) => {
    const { hash } = parseQuery(logLookupQuery, c);
    const entries = await lookupLogEntries(ctx.store, hash);
    return c.json(
      logLookupResponse.parse({ entries: entries.map((e) => ({ index: e.index, kind: e.kind, data: e.data.toString('utf8'), leafHash: e.leafHash.toString('base64') })) }),
    );
  });
}

/** Proof bundles for signed-in users, and the public verifier behind the verify page. */
export function proofRoutes(api: Hono<Env>): void {
  mount(api, 'messageProof', async ({ c, auth, query }) => {
    // Hono has decoded the path parameter already; decoding again fails on a literal %.
    const hash = c.req.param('hash') ?? '';
    const bundle = await buildMessageProof(c.get('ctx').domain, auth.actor, hash, { withholdContent: query.content === 'withhold', disclose: query.disclose?.split(',') ?? [], openPeerLog: (url) => httpPeerLog(url) });
    c.header('Content-Disposition', `attachment; filename="parley-proof-${hash.slice(7, 19).replace(/[^A-Za-z0-9_-]/g, '')}.json"`);
    return bundle;
  });
  mount(api, 'verifyProof', async ({ body }) => {
    try {
      const verdict = await verifyProofBundle(body.bundle, body.contentSha256 ? { contentSha256: body.contentSha256 } : {});
      return {
        valid: true as const,
        summary: verdict.summary,
        envelopeHash: verdict.envelopeHash,
        type: verdict.type,
        sender: verdict.sender.state,
        receiver: verdict.receiver.state,
        received: verdict.received,
        contentDisclosed: verdict.contentDisclosed,
        keysTrusted: verdict.keysTrusted,
      };
    } catch (e) {
      if (!(e instanceof ProofError)) throw e;
      return { valid: false as const, code: e.code, field: e.field, reason: e.message };
    }
  });
}
