import { DomainError } from '@parley/core';
import type { Context } from 'hono';
import type { Env } from './env.js';

const tooLarge = (maxBytes: number, what: string) => new DomainError('too_large', 'body_too_large', `${what} is at most ${Math.round(maxBytes / 1024)} KiB.`);

/**
 * A request's body as bytes, refused with 413 `body_too_large` past `maxBytes` (by its declared
 * length before anything is read, else as soon as what arrives passes it).
 *
 * Read straight from Node's request where there is one: asking Hono for the body makes the
 * adapter build a full WHATWG Request with a web stream and an abort signal around it first,
 * which costs more than the rest of the HTTP handling of a federation delivery together.
 */
export async function readBody(c: Context<Env>, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes, what);
  const incoming = c.env?.incoming;
  if (!incoming || incoming.readableDidRead) {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > maxBytes) throw tooLarge(maxBytes, what);
    return body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Stop reading: the rest is not wanted, and the answer says why.
    if (size > maxBytes) throw tooLarge(maxBytes, what);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
