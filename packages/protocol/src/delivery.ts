import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodeCompact, verifyDecoded, signCompact, type DecodedCompact } from './compact-jws.js';
import { jsonRefusal, parseJsonStrict } from './strict-json.js';

/**
 * A delivery token: the sender's signature over one attempt to deliver one envelope, or a batch. Envelopes
 * keep their bytes (and so their hash) for every retry, over days if a peer is down; the
 * freshness window and the replay check therefore apply to the attempt, not to the envelope.
 * Sent in the `Parley-Delivery` header beside the envelope.
 */
export const DELIVERY_HEADER = 'parley-delivery';
export const DELIVERY_TYP = 'parley-delivery+jws';

const envelopeHashField = z.string().regex(/^sha256:[A-Za-z0-9_-]{43}$/);

/** The most envelopes one batch delivery carries (section 4.4 of the protocol). */
export const MAX_BATCH_ENVELOPES = 100;

const attempt = {
  /** The state the attempt is addressed to. */
  to: z.string().regex(/^[A-Z]{3}$/),
  /** When the attempt was made, RFC 3339 UTC. */
  sent: z.iso.datetime({ offset: false }),
  /** Unique per attempt; a receiver refuses a nonce it has seen. */
  nonce: z.uuid(),
};

export const deliveryClaims = z.union([
  z.strictObject({
    /** The hash of the envelope this attempt carries. */
    envelope: envelopeHashField,
    ...attempt,
  }),
  z.strictObject({
    /** A batch attempt: the digest of the hashes of the envelopes it carries, in order (`batchDigest`). */
    batch: envelopeHashField,
    /** How many envelopes the batch carries. */
    count: z.number().int().min(1).max(MAX_BATCH_ENVELOPES),
    ...attempt,
  }),
]);
export type DeliveryClaims = z.infer<typeof deliveryClaims>;

/**
 * What a batch delivery token names: SHA-256 over the envelopes' hashes (`sha256:...`, as
 * `envelopeHash` gives them) in the order of the batch, each followed by a line feed.
 */
export function batchDigest(hashes: readonly string[]): string {
  const h = createHash('sha256');
  for (const hash of hashes) h.update(`${hash}\n`, 'ascii');
  return `sha256:${h.digest('base64url')}`;
}

/** One envelope's hash, or the hashes of a batch in order. */
export type DeliveryTarget = string | readonly string[];

export async function signDelivery(input: { envelope: DeliveryTarget; to: string; sent: Date }, key: KeyObject, kid: string): Promise<string> {
  const common = { to: input.to, sent: input.sent.toISOString(), nonce: randomUUID() };
  const claims: DeliveryClaims = typeof input.envelope === 'string' ? { envelope: input.envelope, ...common } : { batch: batchDigest(input.envelope), count: input.envelope.length, ...common };
  return signCompact({ kid, typ: DELIVERY_TYP }, JSON.stringify(claims), key);
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
  private readonly remembered = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  /** Whether the nonce is remembered, without recording it. */
  seen(nonce: string): boolean {
    return this.remembered.has(nonce);
  }

  /** Records the nonce; false when it was already there. */
  remember(nonce: string, expires: number, now: number): boolean {
    if (this.remembered.size >= this.max) {
      for (const [n, until] of this.remembered) if (until <= now) this.remembered.delete(n);
      if (this.remembered.size >= this.max) this.remembered.delete(this.remembered.keys().next().value as string);
    }
    if (this.remembered.has(nonce)) return false;
    this.remembered.set(nonce, expires);
    return true;
  }
}

/**
 * A NonceMemory for each peer: a peer that sends more attempts than its memory holds pushes out
 * only its own nonces, never another peer's. Only trusted peers get one, so their number bounds
 * the map.
 */
export class PeerNonceMemory {
  private readonly peers = new Map<string, NonceMemory>();
  constructor(private readonly maxPerPeer = 100_000) {}

  of(peer: string): NonceMemory {
    let memory = this.peers.get(peer);
    if (!memory) {
      memory = new NonceMemory(this.maxPerPeer);
      this.peers.set(peer, memory);
    }
    return memory;
  }
}

/** A delivery token decoded but not yet checked: its `kid` names the sender's key, by which a receiver finds the sender before it reads the body. */
export interface ReadDelivery {
  kid: string;
  decoded: DecodedCompact;
}

/** Decodes a delivery token and checks its header, without checking its signature yet. */
export function readDelivery(token: string | undefined | null): ReadDelivery {
  if (!token) throw new DeliveryError('delivery_missing', `A delivery needs a signed ${DELIVERY_HEADER} header.`);
  let decoded: DecodedCompact;
  try {
    decoded = decodeCompact(token);
  } catch {
    throw new DeliveryError('delivery_malformed', 'The delivery token is not a compact JWS.');
  }
  const { header } = decoded;
  if (header.alg !== 'EdDSA' || header.typ !== DELIVERY_TYP || 'crit' in header) throw new DeliveryError('delivery_malformed', 'The delivery token has the wrong algorithm or type.');
  return { kid: typeof header.kid === 'string' ? header.kid : '', decoded };
}

interface AttemptCheck {
  recipient: string;
  now: Date;
  maxSkewMs: number;
  nonces: NonceMemory;
}

/**
 * What a delivery token says without the body: signed by `key`, for `recipient`, made within the
 * clock window, and an attempt not seen before. The nonce is only remembered by `bindDelivery`,
 * once the token is found to name the body, so a body refused for its size or shape does not
 * spend the attempt; a replay is refused here all the same.
 */
export async function checkDelivery(read: ReadDelivery, expected: AttemptCheck & { key: KeyObject | ((kid: string) => KeyObject | undefined) }): Promise<DeliveryClaims> {
  const key = typeof expected.key === 'function' ? expected.key(read.kid) : expected.key;
  if (!key) throw new DeliveryError('bad_signature', 'The delivery token is signed with a key this node does not know for the sender.');
  try {
    await verifyDecoded(read.decoded, key);
  } catch {
    throw new DeliveryError('bad_signature', 'The delivery token’s signature does not verify with the sender’s key.');
  }
  let claimed: unknown;
  try {
    claimed = parseJsonStrict(read.decoded.payload.toString('utf8'));
  } catch (cause) {
    throw new DeliveryError('delivery_malformed', `The delivery token’s payload ${jsonRefusal(cause)}.`);
  }
  const parsed = deliveryClaims.safeParse(claimed);
  if (!parsed.success) throw new DeliveryError('delivery_malformed', 'The delivery token’s claims are not valid.');
  const claims = parsed.data;
  if (claims.to !== expected.recipient) throw new DeliveryError('delivery_mismatch', `The delivery token was made for another recipient, ${claims.to}.`);
  const sent = Date.parse(claims.sent);
  const now = expected.now.getTime();
  if (sent < now - expected.maxSkewMs) throw new DeliveryError('stale', `The delivery was made at ${claims.sent}, outside the accepted clock window.`);
  if (sent > now + expected.maxSkewMs) throw new DeliveryError('from_future', `The delivery claims ${claims.sent}, ahead of this node's clock beyond the accepted window.`);
  if (expected.nonces.seen(claims.nonce)) throw new DeliveryError('replayed', 'This delivery attempt has been received before.');
  return claims;
}

/** Checks that a token `checkDelivery` passed names the envelope, or the batch, the body holds, and spends its nonce. */
export function bindDelivery(claims: DeliveryClaims, target: DeliveryTarget, expected: Omit<AttemptCheck, 'recipient'>): void {
  const matches =
    typeof target === 'string'
      ? 'envelope' in claims && claims.envelope === target
      : 'batch' in claims && claims.count === target.length && claims.batch === batchDigest(target);
  if (!matches) throw new DeliveryError('delivery_mismatch', `The delivery token was made for another ${typeof target === 'string' ? 'envelope' : 'batch of envelopes'}.`);
  if (!expected.nonces.remember(claims.nonce, Date.parse(claims.sent) + 2 * expected.maxSkewMs, expected.now.getTime())) {
    throw new DeliveryError('replayed', 'This delivery attempt has been received before.');
  }
}

/** All of a delivery token's checks at once, where the body is at hand. */
export async function verifyDelivery(
  token: string | undefined | null,
  expected: AttemptCheck & { envelope: DeliveryTarget; key: KeyObject | ((kid: string) => KeyObject | undefined) },
): Promise<DeliveryClaims> {
  const claims = await checkDelivery(readDelivery(token), expected);
  bindDelivery(claims, expected.envelope, expected);
  return claims;
}

/** The largest body of a batch delivery a receiver must accept; a sender keeps its batches within it. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** The body of `POST /federation/v1/inbox/batch`: compact JWS envelopes from one sender, in order. */
export const batchDelivery = z.strictObject({
  envelopes: z.array(z.string().min(1)).min(1).max(MAX_BATCH_ENVELOPES),
});
export type BatchDelivery = z.infer<typeof batchDelivery>;

/** What became of one envelope of a batch: its receipt, or the refusal it alone earned. */
export const batchResult = z.union([
  z.strictObject({ receipt: z.string().min(1), duplicate: z.boolean() }),
  z.strictObject({ status: z.number().int().min(400).max(599), code: z.string().min(1), detail: z.string() }),
]);
export type BatchResult = z.infer<typeof batchResult>;

/** The answer to a batch: one result per envelope, in the order of the batch. */
export const batchResponse = z.strictObject({ results: z.array(batchResult) });
export type BatchResponse = z.infer<typeof batchResponse>;
