import { DomainError } from '@parley/core';
import { batchDelivery, DELIVERY_HEADER, ENVELOPE_MEDIA_TYPE, INBOX_BATCH_PATH, INBOX_PATH, MAX_BATCH_BYTES, MAX_BATCH_ENVELOPES, type BatchResponse } from '@parley/protocol';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../context.js';
import type { Env } from '../http/env.js';
import { toProblem } from '../http/problem.js';

const limit = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new DomainError('too_large', 'body_too_large', `${what} is at most ${Math.round(maxSize / 1024)} KiB.`);
    },
  });

const requireMediaType = (header: string | undefined, type: string, what: string) => {
  if (!(header ?? '').startsWith(type)) throw new DomainError('unsupported_media_type', 'unsupported_media_type', `Send ${what} as ${type}.`);
};

/** The federation inbox (protocol §4): one envelope per request, or a batch of them. */
export function inboxRoutes(app: Hono<Env>, ctx: AppContext): void {
  app.post(INBOX_PATH, limit(ctx.config.maxBodyBytes, 'An envelope'), async (c) => {
    requireMediaType(c.req.header('content-type'), ENVELOPE_MEDIA_TYPE, 'the envelope');
    const { receipt, duplicate } = await ctx.inbox.receive((await c.req.text()).trim(), c.req.header(DELIVERY_HEADER));
    return c.json({ receipt, duplicate });
  });

  app.post(INBOX_BATCH_PATH, limit(Math.max(ctx.config.maxBodyBytes, MAX_BATCH_BYTES), 'A batch'), async (c) => {
    requireMediaType(c.req.header('content-type'), 'application/json', 'the batch');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new DomainError('invalid', 'malformed', 'The batch is not valid JSON.');
    }
    const parsed = batchDelivery.safeParse(raw);
    if (!parsed.success) {
      throw new DomainError('invalid', 'malformed', `A batch is {"envelopes": [...]} with 1 to ${MAX_BATCH_ENVELOPES} compact JWS envelopes: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    const settled = await ctx.inbox.receiveBatch(parsed.data.envelopes, c.req.header(DELIVERY_HEADER));
    const log = c.get('log') ?? ctx.log;
    const body: BatchResponse = {
      results: settled.map((r) => {
        if (r.ok) return r.value;
        const { status, body: problem } = toProblem(r.error, c.get('requestId') ?? 'unknown', log);
        return { status, code: problem.code, detail: problem.detail };
      }),
    };
    return c.json(body);
  });
}
