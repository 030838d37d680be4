import { Readable } from 'node:stream';
import {
  attachmentDisposition,
  DomainError,
  evidence,
  evidenceDownload,
  getEvidence,
  invalid,
  routes,
  uploadEvidence,
  type RouteSpec,
} from '@parley/core';
import { formatBytes } from '@parley/store';
import { EVIDENCE_PATH, FETCH_HEADER } from '@parley/protocol';
import type { Context, Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';
import { authenticate } from '../http/middleware.js';
import { checkAccess, mount, parseQuery } from '../http/mount.js';
import { problemResponse, toProblem } from '../http/problem.js';
import { parseRange } from '../http/range.js';

/** Marks a download that is a malware sample, for tools and proxies as well as people. */
export const MALWARE_HEADER = 'x-parley-malware-sample';

function uploadQuery(c: Context<Env>) {
  return parseQuery(routes.uploadEvidence.query, c);
}

/** The request body as a Node stream: the socket itself under node:http, so nothing is buffered on the way. */
function bodyStream(c: Context<Env>): AsyncIterable<Uint8Array> {
  const incoming = (c.env as Env['Bindings'] | undefined)?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as never) : Readable.from([]);
}

/**
 * Upload: the raw file as the request body, streamed to the blob store. Mounted on the root app
 * ahead of /api/v1, so the JSON body limit does not apply; its own limit does, from the
 * declared length at once and while the bytes stream.
 */
export function evidenceUploadRoute(app: Hono<Env>, ctx: AppContext): void {
  app.post(`/api/v1${routes.uploadEvidence.path}`, authenticate, async (c) => {
    try {
      return await receiveUpload(c, ctx);
    } catch (e) {
      // The body may be partly unread: the connection is not reused after a refusal, so the
      // rest of a large file is not read for nothing and cannot be taken for a next request.
      const problem = toProblem(e, c.get('requestId'), c.get('log'));
      if (e instanceof DomainError) c.get('log').warn({ code: e.code }, 'evidence upload not stored');
      return problemResponse({ ...problem, headers: { ...problem.headers, connection: 'close' } });
    }
  });
}

async function receiveUpload(c: Context<Env>, ctx: AppContext): Promise<Response> {
  {
    const auth = checkAccess(routes.uploadEvidence as RouteSpec, c);
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/octet-stream\s*(;|$)/i.test(type)) {
      throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'Send the file itself as the request body, with Content-Type: application/octet-stream, and its name as ?name=.');
    }
    const query = uploadQuery(c);
    const max = ctx.config.maxEvidenceBytes;
    const lengthHeader = c.req.header('content-length');
    const declared = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (declared !== undefined && declared > max) {
      throw new DomainError('too_large', 'evidence_too_large', `An evidence file on this node is at most ${formatBytes(max)}; this one has ${formatBytes(declared)}. Nothing was stored. Split the file, or ask the administrator to raise the limit.`);
    }
    const view = await uploadEvidence(
      ctx.domain,
      ctx.blobs,
      auth.actor,
      { source: bodyStream(c), name: query.name, malware: query.malware, mediaType: query.mediaType, caseId: query.caseId, maxBytes: max, expectedBytes: declared },
      { requestId: c.get('requestId') },
    );
    return c.json(evidence.parse(view) as object, 201);
  }
}

/** Metadata and download, inside /api/v1. */
export function evidenceRoutes(api: Hono<Env>): void {
  mount(api, 'getEvidence', async ({ c, auth, id }) => getEvidence(c.get('ctx').domain, auth.actor, id));

  api.get('/evidence/:id/content', async (c) => {
    const auth = checkAccess(routes.downloadEvidence as RouteSpec, c);
    const id = c.req.param('id');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw invalid('invalid_id', `"${id}" is not an identifier of this API.`);
    const ctx = c.get('ctx');
    const { record, fileName } = await evidenceDownload(ctx.domain, auth.actor, id, { requestId: c.get('requestId') });
    const range = parseRange(c.req.header('range'), record.size);
    const headers: Record<string, string> = {
      // Never the announced type: a browser must not render or run what it downloads.
      'content-type': 'application/octet-stream',
      'content-disposition': attachmentDisposition(fileName),
      'x-content-type-options': 'nosniff',
      'accept-ranges': 'bytes',
      'x-parley-sha256': record.sha256,
    };
    if (record.malware) headers[MALWARE_HEADER] = 'true';
    return sendContent(ctx, record.sha256, record.size, range, headers);
  });
}

function sendContent(
  ctx: AppContext,
  sha256: string,
  size: number,
  range: ReturnType<typeof parseRange>,
  headers: Record<string, string>,
): Response {
  if (range === 'unsatisfiable') {
    return new Response(
      JSON.stringify({ type: 'urn:parley:problem:range_not_satisfiable', title: 'Range not satisfiable', status: 416, detail: `The file has ${size} bytes.`, code: 'range_not_satisfiable' }),
      { status: 416, headers: { 'content-type': 'application/problem+json', 'content-range': `bytes */${size}` } },
    );
  }
  const length = size === 0 ? 0 : range.end - range.start + 1;
  const out: Record<string, string> = { ...headers, 'content-length': String(length) };
  if (range.partial) out['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  const body = length === 0 ? null : (Readable.toWeb(ctx.blobs.read(sha256, { start: range.start, end: range.end })) as ReadableStream);
  return new Response(body, { status: range.partial ? 206 : 200, headers: out });
}

/**
 * Protocol §10: a peer pulls evidence it was sent, in byte ranges, each request signed by a
 * fresh fetch token. Refused unless the peer is trusted and was granted the content.
 */
export function evidenceFederationRoutes(app: Hono<Env>, ctx: AppContext): void {
  app.get(`${EVIDENCE_PATH}/:sha256`, async (c) => {
    const sha256 = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalid('invalid_sha256', 'Ask for evidence by its SHA-256 in lowercase hexadecimal.');
    const { requester, size } = await ctx.evidenceGate.authorize(sha256, c.req.header(FETCH_HEADER));
    const held = await ctx.blobs.stat(sha256);
    if (!held || held.size !== size) {
      ctx.log.error({ sha256, expected: size, found: held?.size ?? null }, 'evidence content missing or truncated on disk');
      throw new DomainError('not_found', 'evidence_missing', 'This node has lost the content of that evidence; its administrator has been told in the log.');
    }
    const range = parseRange(c.req.header('range'), size);
    c.get('log').info({ sha256, requester, start: range === 'unsatisfiable' ? null : range.start, end: range === 'unsatisfiable' ? null : range.end }, 'evidence range served');
    return sendContent(ctx, sha256, size, range, { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' });
  });
}
