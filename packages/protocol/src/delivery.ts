import { randomUUID, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { z } from 'zod';

/**
 * A delivery token: the sender's signature over one attempt to deliver one envelope. Envelopes
 * keep their bytes (and so their hash) for every retry, over days if a peer is down; the
 * freshness window and the replay check therefore apply to the attempt, not to the envelope.
 * Sent in the `Parley-Delivery` header beside the envelope.
 */
export const DELIVERY_HEADER = 'parley-delivery';
export const DELIVERY_TYP = 'parley-delivery+jws';

export const deliveryClaims = z.strictObject({
  /** The hash of the envelope this attempt carries. */
  envelope: z.string().regex(/^sha256:[A-Za-z0-9_-]{43}$/),
  /** The state the attempt is addressed to. */
  to: z.string().regex(/^[A-Z]{3}$/),
  /** When the attempt was made, RFC 3339 UTC. */
  sent: z.iso.datetime({ offset: false }),
  /** Unique per attempt; a receiver refuses a nonce it has seen. */
  nonce: z.uuid(),
});
export type DeliveryClaims = z.infer<typeof deliveryClaims>;

export async function signDelivery(input: { envelope: string; to: string; sent: Date }, key: KeyObject, kid: string): Promise<string> {
  const claims: DeliveryClaims = { envelope: input.envelope, to: input.to, sent: input.sent.toISOString(), nonce: randomUUID() };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: DELIVERY_TYP })
    .sign(key);
}

export class DeliveryError extends Error {
  constructor(
    readonly code: 'delivery_missing' | 'delivery_malformed' | 'bad_signature' | 'delivery_mismatch' | 'stale' | 'from_future' | 'replayed',
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Bounded memory of nonces seen inside the window; anything older is refused as stale anyway. */
export class NonceMemory {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  /** Records the nonce; false when it was already there. */
  remember(nonce: string, expires: number, now: number): boolean {
    if (this.seen.size >= this.max) {
      for (const [n, until] of this.seen) if (until <= now) this.seen.delete(n);
      if (this.seen.size >= this.max) this.seen.delete(this.seen.keys().next().value as string);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, expires);
    return true;
  }
}

export async function verifyDelivery(
  token: string | undefined | null,
  expected: { envelope: string; recipient: string; key: KeyObject | ((kid: string) => KeyObject | undefined); now: Date; maxSkewMs: number; nonces: NonceMemory },
): Promise<DeliveryClaims> {
  if (!token) throw new DeliveryError('delivery_missing', `A delivery needs a signed ${DELIVERY_HEADER} header.`);
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new DeliveryError('delivery_malformed', 'The delivery token is not a compact JWS.');
  }
  if (header.alg !== 'EdDSA' || header.typ !== DELIVERY_TYP) throw new DeliveryError('delivery_malformed', 'The delivery token has the wrong algorithm or type.');
  const key = typeof expected.key === 'function' ? expected.key(String(header.kid ?? '')) : expected.key;
  if (!key) throw new DeliveryError('bad_signature', 'The delivery token is signed with a key this node does not know for the sender.');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: ['EdDSA'] }));
  } catch {
    throw new DeliveryError('bad_signature', 'The delivery token’s signature does not verify with the sender’s key.');
  }
  const parsed = deliveryClaims.safeParse(JSON.parse(new TextDecoder().decode(payload)));
  if (!parsed.success) throw new DeliveryError('delivery_malformed', 'The delivery token’s claims are not valid.');
  const claims = parsed.data;
  if (claims.envelope !== expected.envelope || claims.to !== expected.recipient) {
    throw new DeliveryError('delivery_mismatch', 'The delivery token was made for another envelope or recipient.');
  }
  const sent = Date.parse(claims.sent);
  const now = expected.now.getTime();
  if (sent < now - expected.maxSkewMs) throw new DeliveryError('stale', `The delivery was made at ${claims.sent}, outside the accepted clock window.`);
  if (sent > now + expected.maxSkewMs) throw new DeliveryError('from_future', `The delivery claims ${claims.sent}, ahead of this node's clock beyond the accepted window.`);
  if (!expected.nonces.remember(claims.nonce, sent + 2 * expected.maxSkewMs, now)) {
    throw new DeliveryError('replayed', 'This delivery attempt has been received before.');
  }
  return claims;
}
