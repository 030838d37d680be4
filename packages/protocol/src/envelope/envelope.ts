import type { NodeKeyPair } from '../keys.js';
import { EnvelopeError } from './errors.js';
import { ENVELOPE_TYP, ReadPayload, readPayload, signPayload, verifyRead, type PublicKeyLookup } from './jws.js';
import { envelopeSchema, PROTOCOL_VERSION, type Envelope } from './schema.js';
import { uuidv7 } from './uuid.js';

export interface EnvelopeInput {
  readonly sender: string;
  readonly recipient: string;
  readonly type: string;
  readonly body: Envelope['body'];
  readonly thread?: string;
  readonly prev?: string;
}

/** A new envelope: a fresh UUIDv7 and a creation time taken from the same instant. */
export function createEnvelope(input: EnvelopeInput, now: Date = new Date()): Envelope {
  const envelope: Envelope = {
    v: PROTOCOL_VERSION,
    id: uuidv7(now.getTime()),
    sender: input.sender,
    recipient: input.recipient,
    type: input.type,
    created: now.toISOString(),
    body: input.body,
  };
  if (input.thread !== undefined) envelope.thread = input.thread;
  if (input.prev !== undefined) envelope.prev = input.prev;
  return envelope;
}

/**
 * Signs an envelope as a compact JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037),
 * header {alg: EdDSA, kid: sender key fingerprint, typ: parley-envelope+jws}.
 * Throws EnvelopeError `schema_invalid` if the envelope is not valid.
 */
export function signEnvelope(envelope: Envelope, key: Pick<NodeKeyPair, 'privateKey'>): Promise<string> {
  return signPayload(envelope, envelopeSchema, ENVELOPE_TYP, key);
}

/** What an envelope claims before its signature is checked: enough to find the sender's key. */
export interface PeekedEnvelope {
  readonly kid: string;
  readonly id: string;
  readonly sender: string;
  readonly recipient: string;
  readonly type: string;
}

/** An envelope read for its form: what `peekEnvelope` tells, and what `verifyEnvelope` checks without reading it again. */
export interface ReadEnvelope extends PeekedEnvelope {
  readonly read: ReadPayload<Envelope>;
}

/**
 * Reads who claims to have sent an envelope, checking its form but not its signature,
 * so a receiver can look up the sender before `verifyEnvelope`. Throws EnvelopeError
 * malformed, unsupported_version or schema_invalid. Never act on what it returns.
 */
export function peekEnvelope(jws: string): PeekedEnvelope {
  const { kid, id, sender, recipient, type } = readEnvelope(jws);
  return { kid, id, sender, recipient, type };
}

/** `peekEnvelope`, keeping what was read so that `verifyEnvelope` need not read the envelope again. */
export function readEnvelope(jws: string): ReadEnvelope {
  const read = readPayload(jws, envelopeSchema, ENVELOPE_TYP, 'sender');
  const { id, sender, recipient, type } = read.payload;
  return { kid: read.kid, id, sender, recipient, type, read };
}

export interface VerifyEnvelopeOptions {
  /** The sender's public key for this key ID, if the sender has one by that ID. */
  readonly publicKeyFor: PublicKeyLookup;
  /** This node's state code: envelopes for others are refused. */
  readonly expectedRecipient: string;
  /** The verifier's clock. */
  readonly now: Date | number;
  /** How far ahead of `now` `created` may lie (clock skew), and by default how far behind. */
  readonly maxSkewMs: number;
  /**
   * How far behind `now` `created` may lie; defaults to `maxSkewMs`. A sender retries an
   * envelope unchanged while a peer is down, so a receiver that accepts retries sets this
   * to the sender's retry period plus the skew.
   */
  readonly maxAgeMs?: number;
  /** Whether an envelope ID was already accepted; replays are refused. */
  readonly seen?: (id: string, envelope: Envelope) => boolean | Promise<boolean>;
}

/**
 * Verifies a signed envelope and returns it, or throws an EnvelopeError whose code says
 * why: malformed, unsupported_version, schema_invalid, unknown_sender, bad_signature,
 * wrong_recipient, stale, from_future or replayed.
 */
export async function verifyEnvelope(jws: string | ReadEnvelope, options: VerifyEnvelopeOptions): Promise<Envelope> {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  if (!Number.isFinite(now)) throw new RangeError('now must be a valid time');
  const maxAgeMs = options.maxAgeMs ?? options.maxSkewMs;
  for (const [name, value] of [['maxSkewMs', options.maxSkewMs], ['maxAgeMs', maxAgeMs]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  }

  // Read here, or already by `readEnvelope`: the signature is checked before anything is acted on.
  const read = typeof jws === 'object' && jws !== null && jws.read instanceof ReadPayload ? jws.read : readPayload(jws, envelopeSchema, ENVELOPE_TYP, 'sender');
  const envelope = await verifyRead(read, options.publicKeyFor);
  if (envelope.recipient !== options.expectedRecipient) {
    throw new EnvelopeError('wrong_recipient', `addressed to ${envelope.recipient}, not ${options.expectedRecipient}`);
  }
  const created = Date.parse(envelope.created);
  if (created < now - maxAgeMs) {
    throw new EnvelopeError('stale', `created ${envelope.created}, more than ${maxAgeMs} ms before now`);
  }
  if (created > now + options.maxSkewMs) {
    throw new EnvelopeError('from_future', `created ${envelope.created}, more than ${options.maxSkewMs} ms after now`);
  }
  if (options.seen !== undefined && (await options.seen(envelope.id, envelope))) {
    throw new EnvelopeError('replayed', `envelope ${envelope.id} was already received`);
  }
  return envelope;
}
