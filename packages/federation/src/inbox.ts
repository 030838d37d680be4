import type { KeyObject } from 'node:crypto';
import {
  AlreadyReceived,
  DomainError,
  peerWithKeys,
  recordInboundBatch,
  type DomainContext,
  type InboundItem,
  type InboundOutcome,
  type NodeSelf,
} from '@parley/core';
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
import { GroupCommit, type Settled } from './group-commit.js';

export interface InboxOptions {
  /** Largest difference between the sender's clock and ours for a delivery attempt. */
  maxSkewMs: number;
  /** Oldest envelope accepted: the sender's retry period plus the skew. */
  maxAgeMs: number;
}

export const defaultInboxOptions: InboxOptions = { maxSkewMs: 5 * 60_000, maxAgeMs: 7 * 24 * 3600_000 + 5 * 60_000 };

const refuse = (kind: 'invalid' | 'unauthenticated' | 'forbidden' | 'conflict', code: string, message: string) => new DomainError(kind, code, message);

/**
 * Receives envelopes: checks each came from a trusted peer, for this node, signed, in a fresh
 * attempt, and not replayed; records it with a signed receipt and applies it in thread order.
 * The same envelope delivered again gets the same receipt and has no second effect.
 *
 * Checking and signing run for each delivery as it arrives; recording is a group commit: the
 * envelopes verified while one transaction commits are recorded together in the next, and each
 * receipt is returned only once its envelope is committed.
 */
export class Inbox {
  private readonly nonces = new NonceMemory();
  /** Peers' public keys by their raw base64url form: importing one costs more than using it. */
  private readonly keys = new Map<string, KeyObject>();
  private readonly batches: GroupCommit<InboundItem, InboundOutcome>;

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly options: InboxOptions = defaultInboxOptions,
  ) {
    this.batches = new GroupCommit((items) => this.commit(items));
  }

  private publicKey(raw: string): KeyObject {
    let key = this.keys.get(raw);
    if (!key) {
      if (this.keys.size >= 1000) this.keys.clear();
      key = publicKeyFromRaw(Buffer.from(raw, 'base64url'));
      this.keys.set(raw, key);
    }
    return key;
  }

  async receive(jws: string, deliveryToken: string | undefined): Promise<{ receipt: string; duplicate: boolean }> {
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
      return raw ? this.publicKey(raw) : undefined;
    };
    const hash = envelopeHash(jws);
    // Both signatures are checked at once; the envelope's refusal, if any, is the one reported.
    const [opened, attempt] = await Promise.allSettled([
      verifyEnvelope(jws, {
        publicKeyFor: (kid) => keyFor(kid) ?? null,
        expectedRecipient: this.ctx.self.stateCode,
        now,
        maxAgeMs: this.options.maxAgeMs,
        maxSkewMs: this.options.maxSkewMs,
      }),
      verifyDelivery(deliveryToken, { envelope: hash, recipient: this.ctx.self.stateCode, key: keyFor, now, maxSkewMs: this.options.maxSkewMs, nonces: this.nonces }),
    ]);
    if (opened.status === 'rejected') {
      const e = opened.reason as unknown;
      if (e instanceof EnvelopeError) {
        const kind = e.code === 'bad_signature' ? 'unauthenticated' : 'invalid';
        throw refuse(kind, e.code, e.message);
      }
      throw e;
    }
    if (attempt.status === 'rejected') {
      const e = attempt.reason as unknown;
      if (e instanceof DeliveryError) throw refuse(e.code === 'bad_signature' ? 'unauthenticated' : e.code === 'replayed' ? 'conflict' : 'invalid', e.code, e.message);
      throw e;
    }
    const envelope = opened.value;
    if (!isMessageType(envelope.type)) throw refuse('invalid', 'unknown_type', `This node does not know messages of type ${envelope.type}.`);
    const body = messageBodies[envelope.type].safeParse(envelope.body);
    if (!body.success) throw refuse('invalid', 'schema_invalid', `The ${envelope.type} body is not valid: ${body.error.issues[0]?.message ?? ''}`);

    // Signed before it is stored (a duplicate keeps its first receipt), returned only once stored.
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
    const outcome = await this.batches.submit({ record, envelope });
    if (outcome.kind === 'id_reused') throw refuse('conflict', 'id_reused', `Envelope id ${envelope.id} was already received with different content.`);
    return { receipt: outcome.receipt, duplicate: outcome.kind === 'duplicate' };
  }

  /**
   * Records a batch in one transaction. If that fails, each envelope is recorded in its own
   * transaction, so the error stays with the envelope that caused it.
   */
  private async commit(items: readonly InboundItem[]): Promise<Settled<InboundOutcome>[]> {
    let results: Settled<InboundOutcome>[];
    try {
      const outcomes = await this.ctx.store.transaction((tx) => recordInboundBatch(tx, this.ctx, items));
      results = outcomes.map((value) => ({ ok: true, value }));
    } catch (e) {
      if (items.length === 1 && !(e instanceof AlreadyReceived)) results = [{ ok: false, error: e }];
      else {
        results = [];
        for (const item of items) results.push(await this.commitOne(item));
      }
    }
    const stored = items.filter((_, i) => {
      const r = results[i];
      return r?.ok && r.value.kind === 'stored';
    });
    if (stored.some((i) => i.envelope.type === 'key.rotate')) this.ctx.peerCache?.clear();
    if (stored.length > 0) this.ctx.onQueued?.();
    return results;
  }

  private async commitOne(item: InboundItem): Promise<Settled<InboundOutcome>> {
    try {
      const [value] = await this.ctx.store.transaction((tx) => recordInboundBatch(tx, this.ctx, [item]));
      return { ok: true, value: value! };
    } catch (error) {
      if (!(error instanceof AlreadyReceived)) return { ok: false, error };
      // Stored first by a concurrent transaction: answer as it did.
      try {
        const first = await this.ctx.store.inbox.byHash(item.record.hash);
        return { ok: true, value: first ? { kind: 'duplicate', receipt: first.receipt } : { kind: 'id_reused' } };
      } catch (e) {
        return { ok: false, error: e };
      }
    }
  }

  /** Verified envelopes waiting for the next batch, and in the batch being recorded. */
  get queue(): { pending: number; committing: number } {
    return { pending: this.batches.pending, committing: this.batches.committing };
  }

  /** Resolves once every envelope handed to the inbox so far has been recorded or refused. */
  idle(): Promise<void> {
    return this.batches.idle();
  }
}
