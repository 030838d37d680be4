import {
  consistencyProofQuery,
  consistencyProofResponse,
  inclusionProofQuery,
  inclusionProofResponse,
  invalid,
  latestCheckpoint,
  logEntriesQuery,
  logEntriesResponse,
  proveConsistency,
  proveInclusion,
  readLogEntries,
} from '@parley/core';
import { LOG_PATHS } from '@parley/protocol';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';

function parseQuery<S extends z.ZodType>(schema: S, c: Context<Env>): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!parsed.success) {
    throw invalid(
      'validation_failed',
      'Some query parameters are not valid.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

const b64 = (hash: Buffer) => hash.toString('base64');

/**
 * The node's transparency log, for anyone: no sign-in, because checkpoints and proofs are
 * what lets another state, a witness or a court check this node's record. Hashes only.
 */
export function logRoutes(app: Hono<Env>, ctx: AppContext): void {
  app.get(LOG_PATHS.checkpoint, async (c) => {
    const checkpoint = await latestCheckpoint(ctx.store);
    c.header('Cache-Control', 'no-cache');
    return c.body(checkpoint.note, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get(LOG_PATHS.inclusion, async (c) => {
    const { index, size } = parseQuery(inclusionProofQuery, c);
    const { leafHash, proof } = await proveInclusion(ctx.store, index, size);
    return c.json(inclusionProofResponse.parse({ leafHash: b64(leafHash), proof: proof.map(b64) }));
  });

  app.get(LOG_PATHS.consistency, async (c) => {
    const q = parseQuery(consistencyProofQuery, c);
    const { oldRoot, proof } = await proveConsistency(ctx.store, q.old, q.new);
    return c.json(consistencyProofResponse.parse({ oldRoot: b64(oldRoot), proof: proof.map(b64) }));
  });

  app.get(LOG_PATHS.entries, async (c) => {
    const { start, end } = parseQuery(logEntriesQuery, c);
    const entries = await readLogEntries(ctx.store, start, end);
    return c.json(logEntriesResponse.parse({ entries: entries.map((e) => ({ index: e.index, data: e.data.toString('utf8'), leafHash: b64(e.leafHash) })) }));
  });
}
