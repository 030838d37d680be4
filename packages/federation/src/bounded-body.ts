/** A peer answered with more bytes than the answer it was asked for can hold. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`answered with more than ${formatLimit(limit)}`);
  }
}

const formatLimit = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/**
 * The body of a response from another node, refused once it passes `limit` bytes (at once by its
 * declared length, else as the bytes arrive), so a peer, or whatever a peer URL names, cannot make
 * this node hold an answer of any size: `fetch`'s own `json()` and `text()` read without bound.
 */
export async function readBounded(res: Response, limit: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLarge(limit);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The body as JSON, or undefined when it is not JSON; still refused past `limit` bytes. */
export async function readBoundedJson(res: Response, limit: number): Promise<unknown> {
  const text = (await readBounded(res, limit)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
