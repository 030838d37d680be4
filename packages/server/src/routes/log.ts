import {
  consistencyProofQuery,
  consistencyProofResponse,
  inclusionProofQuery,
  inclusionProofResponse,
  latestCheckpoint,
  logEntriesQuery,
  logEntriesResponse,
  proveConsistency,
  proveInclusion,
  readLogEntries,
} from '@parley/core';
import { LOG_PATHS } from '@parley/protocol';
import type { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';
import { parseQuery } from '../http/mount.js';

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
