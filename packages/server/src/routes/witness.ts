import { cosignatureFor, cosignatureQuery, cosignedCheckpoint, cosignedCheckpointQuery, forkEvidenceById, witnessedDocumentOf, witnessOverview } from '@parley/core';
import { WITNESS_PATHS, witnessedDocument } from '@parley/protocol';
import type { Context, Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';
import { mount, parseQuery } from '../http/mount.js';

const note = (c: Context<Env>, text: string) => {
  c.header('Cache-Control', 'no-cache');
  return c.body(text, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
};

/**
 * The witness's public side (protocol §9.5): what this node witnessed of other logs, its
 * cosignatures of them, and its own checkpoint with its peers' cosignatures. No sign-in: peers
 * and anyone checking a proof read these.
 */
export function witnessPublicRoutes(app: Hono<Env>, ctx: AppContext): void {
  app.get(WITNESS_PATHS.witnessed, async (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(witnessedDocument.parse(await witnessedDocumentOf(ctx.domain, ctx.witness.origin)));
  });

  app.get(WITNESS_PATHS.cosignature, async (c) => {
    const { origin } = parseQuery(cosignatureQuery, c);
    return note(c, await cosignatureFor(ctx.store, origin));
  });

  app.get(WITNESS_PATHS.cosignedCheckpoint, async (c) => {
    const { size, minSize } = parseQuery(cosignedCheckpointQuery, c);
    return note(c, (await cosignedCheckpoint(ctx.store, { size, minSize })).note);
  });
}

/** The administrators' witnessing page, under /api/v1. */
export function witnessRoutes(app: Hono<Env>): void {
  mount(app, 'witnessOverview', async ({ c, auth }) => {
    const ctx = c.get('ctx');
    return witnessOverview(ctx.domain, auth.actor, ctx.witness.origin);
  });
  mount(app, 'forkEvidence', async ({ c, auth, id }) => forkEvidenceById(c.get('ctx').domain, auth.actor, id));
}
