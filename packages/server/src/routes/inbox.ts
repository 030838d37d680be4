import { DomainError } from '@parley/core';
import { batchDelivery, DELIVERY_HEADER, ENVELOPE_MEDIA_TYPE, INBOX_BATCH_PATH, INBOX_PATH, MAX_BATCH_BYTES, MAX_BATCH_ENVELOPES, type BatchResponse } from '@parley/protocol';
import type { Context, Hono } from 'hono';
import type { AppContext } from '../context.js';
import { readBody } from '../http/body.js';
import type { Env } from '../http/env.js';
import { problemResponse, toProblem } from '../http/problem.js';

const requireMediaType = (header: string | undefined, type: string, what: string) => {
  if (!(header ?? '').startsWith(type)) throw new DomainError('unsupported_media_type', 'unsupported_media_type', `Send ${what} as ${type}.`);
};

/**
 * A refusal of a delivery whose body is not read to its end closes the connection: otherwise Node
 * would read the rest of the body, up to a megabyte that was refused, to reuse it.
 */
function closingOnRefusal(ctx: AppContext, handle: (c: Context<Env>) => Promise<Response>) {
  return async (c: Context<Env>): Promise<Response> => {
    try {
      return await handle(c);
    } catch (e) {
      if (c.env?.incoming?.readableEnded !== false) throw e;
      const problem = toProblem(e, c.get('requestId') ?? 'unknown', c.get('log') ?? ctx.log);
      return problemResponse({ ...problem, headers: { ...problem.headers, connection: 'close' } });
    }
  };
}

/**
 * The federation inbox (protocol §4): one envelope per request, or a batch of them. The delivery
 * token is checked before the body is read (`Inbox.admit`), so only a trusted peer's fresh,
 * signed attempt for this node gets its body read.
 */
export function inboxRoutes(app: Hono<Env>, ctx: AppContext): void {
  app.post(
    INBOX_PATH,
    closingOnRefusal(ctx, async (c) => {
      requireMediaType(c.req.header('content-type'), ENVELOPE_MEDIA_TYPE, 'the envelope');
      const admitted = await ctx.inbox.admit(c.req.header(DELIVERY_HEADER));
      const body = await readBody(c, ctx.config.maxBodyBytes, 'An envelope');
      const { receipt, duplicate } = await ctx.inbox.receive(body.toString('utf8').trim(), admitted);
      return c.json({ receipt, duplicate });
    }),
  );

  app.post(INBOX_BATCH_PATH, closingOnRefusal(ctx, async (c) => {
    requireMediaType(c.req.header('content-type'), 'application/json', 'the batch');
    const admitted = await ctx.inbox.admit(c.req.header(DELIVERY_HEADER));
    const text = (await readBody(c, Math.max(ctx.config.maxBodyBytes, MAX_BATCH_BYTES), 'A batch')).toString('utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new DomainError('invalid', 'malformed', 'The batch is not valid JSON.');
    }
    const parsed = batchDelivery.safeParse(raw);
    if (!parsed.success) {
      throw new DomainError('invalid', 'malformed', `A batch is {"envelopes": [...]} with 1 to ${MAX_BATCH_ENVELOPES} compact JWS envelopes: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    const settled = await ctx.inbox.receiveBatch(parsed.data.envelopes, admitted);
    const log = c.get('log') ?? ctx.log;
    const body: BatchResponse = {
      results: settled.map((r) => {
        if (r.ok) return r.value;
        const { status, body: problem } = toProblem(r.error, c.get('requestId') ?? 'unknown', log);
        return { status, code: problem.code, detail: problem.detail };
      }),
    };
    return c.json(body);
  }));
}
