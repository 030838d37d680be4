import { AlreadyReceived, DomainError, peerWithKeys, recordInbound, type DomainContext, type NodeSelf } from '@parley/core';
import {
  createReceipt,
  envelopeHash,
  isMessageType,
  messageBodies,
  NonceMemory,
  peekEnvelope,
  publicKeyFromRaw,
  signReceipt,
  verifyDelivery,
  verifyEnvelope,
  DeliveryError,
  EnvelopeError,
} from '@parley/protocol';

export interface InboxOptions {
  /** Largest difference between the sender's clock and ours for a delivery attempt. */
  maxSkewMs: number;
  /** Oldest envelope accepted: the sender's retry period plus the skew. */
  maxAgeMs: number;
}

export const defaultInboxOptions: InboxOptions = { maxSkewMs: 5 * 60_000, maxAgeMs: 7 * 24 * 3600_000 + 5 * 60_000 };

const refuse = (kind: 'invalid' | 'unauthenticated' | 'forbidden' | 'conflict', code: string, message: string) => new DomainError(kind, code, message);

/**
 * Receives one envelope: checks it came from a trusted peer, for this node, signed, in a fresh
 * attempt, and not replayed; records it with a signed receipt and applies it in thread order.
 * The same envelope delivered again gets the same receipt and has no second effect.
 */
export class Inbox {
  private readonly nonces = new NonceMemory();

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly options: InboxOptions = defaultInboxOptions,
  ) {}

  async receive(jws: string, deliveryToken: string | undefined): Promise<{ receipt: string; duplicate: boolean }> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    let peeked;
    try {
      peeked = peekEnvelope(jws);
    } catch (e) {
      throw refuse('invalid', e instanceof EnvelopeError ? e.code : 'malformed', (e as Error).message);
    }
    const known = await peerWithKeys(this.ctx, peeked.sender, this.options.maxAgeMs);
    const peer = known?.peer;
    if (!peer) throw refuse('forbidden', 'unknown_sender', `${peeked.sender} is not a peer of ${this.ctx.self.stateCode}. Its administrator must add it first.`);
    if (peer.status !== 'trusted') throw refuse('forbidden', 'sender_suspended', `${peeked.sender} is suspended on ${this.ctx.self.stateCode}.`);
    // Current and recently retired keys: envelopes signed before a rotation are still in flight.
    const keyFor = (kid: string) => {
      const raw = known.keys.get(kid);
      return raw ? publicKeyFromRaw(Buffer.from(raw, 'base64url')) : undefined;
    };
    let envelope;
    try {
      envelope = await verifyEnvelope(jws, {
        publicKeyFor: (kid) => keyFor(kid) ?? null,
        expectedRecipient: this.ctx.self.stateCode,
        now,
        maxAgeMs: this.options.maxAgeMs,
        maxSkewMs: this.options.maxSkewMs,
      });
    } catch (e) {
      if (e instanceof EnvelopeError) {
        const kind = e.code === 'bad_signature' ? 'unauthenticated' : 'invalid';
        throw refuse(kind, e.code, e.message);
      }
      throw e;
    }
    const hash = envelopeHash(jws);
    try {
      await verifyDelivery(deliveryToken, { envelope: hash, recipient: this.ctx.self.stateCode, key: keyFor, now, maxSkewMs: this.options.maxSkewMs, nonces: this.nonces });
    } catch (e) {
      if (e instanceof DeliveryError) throw refuse(e.code === 'bad_signature' ? 'unauthenticated' : e.code === 'replayed' ? 'conflict' : 'invalid', e.code, e.message);
      throw e;
    }

    const earlier = await store.inbox.byHashOrId(hash, envelope.id);
    const existing = earlier.find((r) => r.hash === hash);
    if (existing) return { receipt: existing.receipt, duplicate: true };
    if (earlier.length > 0) {
      throw refuse('conflict', 'id_reused', `Envelope id ${envelope.id} was already received with different content.`);
    }
    if (!isMessageType(envelope.type)) throw refuse('invalid', 'unknown_type', `This node does not know messages of type ${envelope.type}.`);
    const body = messageBodies[envelope.type].safeParse(envelope.body);
    if (!body.success) throw refuse('invalid', 'schema_invalid', `The ${envelope.type} body is not valid: ${body.error.issues[0]?.message ?? ''}`);

    const receipt = await signReceipt(createReceipt(jws, this.ctx.self.stateCode, now), { privateKey: this.ctx.self.privateKey });
    const record = {
      id: envelope.id,
      hash,
      sender: envelope.sender,
      type: envelope.type,
      thread: envelope.thread ?? null,
      prev: envelope.prev ?? null,
      jws,
      receivedAt: now,
      receipt,
      appliedAt: null,
      applyError: null,
    };
    const stored = await store.transaction((tx) => recordInbound(tx, this.ctx, record, envelope)).then(
      () => true,
      (e: unknown) => {
        if (e instanceof AlreadyReceived) return false;
        throw e;
      },
    );
    if (envelope.type === 'key.rotate') this.ctx.peerCache?.clear();
    if (!stored) {
      // Delivered twice at the same moment: the other delivery stored it first; answer as it did.
      const first = await store.inbox.byHash(hash);
      if (first) return { receipt: first.receipt, duplicate: true };
      throw refuse('conflict', 'id_reused', `Envelope id ${envelope.id} was already received with different content.`);
    }
    this.ctx.onQueued?.();
    return { receipt, duplicate: false };
  }
}
