import type { KeyObject } from 'node:crypto';
import {
  AlreadyReceived,
  DomainError,
  LogHeadMoved,
  peerByKey,
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
  PeerNonceMemory,
  readEnvelope,
  publicKeyFromRaw,
  signReceipt,
  bindDelivery,
  checkDelivery,
  readDelivery,
  verifyEnvelope,
  DeliveryError,
  EnvelopeError,
  type DeliveryClaims,
  type DeliveryTarget,
  type Envelope,
  type ReadEnvelope,
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

/** A delivery token's check, its refusal turned into the problem protocol §4.1 gives it. */
function deliveryCheck<T>(check: () => T): T {
  const refusal = (e: unknown) => {
    if (e instanceof DeliveryError) return refuse(e.code === 'bad_signature' ? 'unauthenticated' : e.code === 'replayed' ? 'conflict' : 'invalid', e.code, e.message);
    return e;
  };
  try {
    const result = check();
    return (result instanceof Promise ? result.catch((e: unknown) => Promise.reject(refusal(e))) : result) as T;
  } catch (e) {
    throw refusal(e);
  }
}

/** A delivery attempt whose token `Inbox.admit` passed before the body was read: its sender, that sender's keys, and the token's claims. */
export interface Admitted {
  sender: string;
  keyFor: (kid: string) => KeyObject | undefined;
  claims: DeliveryClaims;
}

/** An envelope on its way to the group commit: its row, and its signature's check, which may still be running. */
interface PendingItem extends InboundItem {
  /** Settles once the envelope's signature, recipient, age and body are checked; rejects with the refusal it earned. */
  verified: Promise<unknown>;
}

/** Thrown inside a transaction to roll it back: an envelope in it did not pass its signature's check. */
class Unverified extends Error {
  constructor() {
    super('an envelope in the transaction did not pass its signature check');
  }
}

/**
 * Receives envelopes: checks each came from a trusted peer, for this node, signed, in a fresh
 * attempt, and not replayed; records it with a signed receipt and applies it in thread order.
 * The same envelope delivered again gets the same receipt and has no second effect.
 *
 * Checking and signing run for each delivery as it arrives; recording is a group commit: the
 * envelopes that arrive while one transaction commits are recorded together in the next, which
 * commits only once each of their signatures has passed, and each receipt is returned only once
 * its envelope is committed.
 */
export class Inbox {
  /** Each peer's delivery nonces apart, so one peer's flood cannot push out another's. */
  private readonly nonces = new PeerNonceMemory();
  /** Peers' public keys by their raw base64url form: importing one costs more than using it. */
  private readonly keys = new Map<string, KeyObject>();
  private readonly batches: GroupCommit<PendingItem, InboundOutcome>;

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

  /**
   * What can be checked before the body is read, from the delivery token alone: the sender (the
   * peer whose key the token's `kid` names), that it is trusted, and the token's signature,
   * recipient, time and nonce. So a stranger, a suspended peer or a forged or stale attempt is
   * refused without the node reading, let alone buffering, up to a megabyte of body for it.
   */
  async admit(deliveryToken: string | undefined): Promise<Admitted> {
    const now = this.ctx.now();
    const read = deliveryCheck(() => readDelivery(deliveryToken));
    const known = await peerByKey(this.ctx, read.kid, this.options.maxAgeMs);
    if (!known) {
      throw refuse(
        'forbidden',
        'unknown_sender',
        `The delivery token is signed with key ${read.kid || '(none)'}, which is no key of a peer of ${this.ctx.self.stateCode}. The administrator of ${this.ctx.self.stateCode} must add the sending node first; a key it rotated to is known once its key.rotate message has arrived.`,
      );
    }
    const sender = known.peer.stateCode;
    if (known.peer.status !== 'trusted') throw refuse('forbidden', 'sender_suspended', `${sender} is suspended on ${this.ctx.self.stateCode}.`);
    const keyFor = (kid: string) => {
      const raw = known.keys.get(kid);
      return raw ? this.publicKey(raw) : undefined;
    };
    const claims = await deliveryCheck(() => checkDelivery(read, { recipient: this.ctx.self.stateCode, key: keyFor, now, maxSkewMs: this.options.maxSkewMs, nonces: this.nonces.of(sender) }));
    return { sender, keyFor, claims };
  }

  /** One envelope, delivered on its own under a token `admit` passed: its receipt, or the refusal it earned. */
  async receive(jws: string, admitted: Admitted): Promise<{ receipt: string; duplicate: boolean }> {
    const [result] = await this.deliver([jws], admitted, true);
    if (!result!.ok) throw result!.error;
    return result!.value;
  }

  /**
   * Several envelopes from one sender under one delivery token (protocol §4.4), which `admit`
   * passed. The body as a whole is checked first, and that the token names it; a failure refuses
   * the whole batch; then each envelope is checked, stored and receipted as if delivered alone,
   * and answered on its own, in the order of the batch. All of them join the same group commit.
   *
   * An envelope's signature is checked while its transaction runs, not before: the token `admit`
   * checked is the sender's signature over the hash of every envelope it carries, so what is
   * recorded is already known to come from that peer unaltered, and the envelope's own signature
   * (the one kept as evidence) is checked in the thread pool while the database does its work. The
   * transaction commits only once every envelope in it has passed; if one has not, it is rolled
   * back and the others are recorded again without it. So nothing is committed, and no receipt
   * given, for an envelope whose signature has not been checked.
   */
  receiveBatch(envelopes: readonly string[], admitted: Admitted): Promise<Settled<{ receipt: string; duplicate: boolean }>[]> {
    return this.deliver(envelopes, admitted, false);
  }

  /** `receive` (`single`) and `receiveBatch`. */
  private async deliver(envelopes: readonly string[], admitted: Admitted, single: boolean): Promise<Settled<{ receipt: string; duplicate: boolean }>[]> {
    const now = this.ctx.now();
    const peeked = envelopes.map((jws, i) => {
      try {
        return this.peek(jws);
      } catch (e) {
        if (single) throw e;
        throw refuse('invalid', 'malformed', `Envelope ${i + 1} of the batch: ${(e as Error).message}`);
      }
    });
    const sender = peeked[0]!.sender;
    const other = peeked.findIndex((p) => p.sender !== sender);
    if (other >= 0) throw refuse('invalid', 'mixed_senders', `Envelope ${other + 1} of the batch is from ${peeked[other]!.sender}, envelope 1 from ${sender}: a batch carries the envelopes of one sender.`);
    this.signedBySender(admitted, sender, single ? 'the envelope is' : 'the envelopes of the batch are');
    const hashes = envelopes.map((jws) => envelopeHash(jws));
    this.bind(admitted, single ? hashes[0]! : hashes, now);
    // The receipts first, all asked for at once so signed in the thread pool on every core, as
    // the transaction needs them; then every signature's check, to run while the transaction does.
    const receipts = await Promise.allSettled(hashes.map((hash) => this.signReceipt(hash, now)));
    const claims = peeked.map((read) => this.claimed(read));
    // A body found valid as read is the one the signature covers (`verifyEnvelope` returns the
    // payload `peek` read): it is not checked again.
    const verified = peeked.map((read, i) => this.open(read, admitted.keyFor, now).then((envelope) => (claims[i] ? envelope : this.typed(envelope))));
    for (const v of verified) v.catch(() => undefined); // each is awaited below, or its envelope was answered already
    // Handed to the group commit in one turn of the event loop, so recorded in one transaction.
    return Promise.all(
      envelopes.map(async (jws, i): Promise<Settled<{ receipt: string; duplicate: boolean }>> => {
        try {
          const receipt = receipts[i]!;
          if (receipt.status === 'rejected') throw receipt.reason;
          const claimed = claims[i];
          // A body that is not valid is not recorded; its signature's check says which refusal it gets.
          if (!claimed) return { ok: false, error: await verified[i]!.then(() => new Error('unreachable: a body refused as read passed when verified'), (e: unknown) => e) };
          // Answered only once its signature has passed (the transaction waited for that too).
          const [value] = await Promise.all([this.store({ ...this.item(jws, hashes[i]!, claimed, now, receipt.value), verified: verified[i]! }), verified[i]]);
          return { ok: true, value };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  private peek(jws: string) {
    try {
      return readEnvelope(jws);
    } catch (e) {
      throw refuse('invalid', e instanceof EnvelopeError ? e.code : 'malformed', (e as Error).message);
    }
  }

  /** The delivery token must be signed by the sender of what it carries (protocol §4.1): one peer cannot deliver another's envelopes. */
  private signedBySender(admitted: Admitted, sender: string, what: string): void {
    if (sender !== admitted.sender) {
      throw refuse('unauthenticated', 'bad_signature', `The delivery token is signed with a key of ${admitted.sender}, but ${what} from ${sender}, whose own key must sign their delivery.`);
    }
  }

  /** Checks that the token names this envelope's hash, or the batch's hashes in order, and spends its nonce. */
  private bind(admitted: Admitted, target: DeliveryTarget, now: Date): void {
    deliveryCheck(() => bindDelivery(admitted.claims, target, { now, maxSkewMs: this.options.maxSkewMs, nonces: this.nonces.of(admitted.sender) }));
  }

  /** Verifies the signature, recipient and age of an envelope `peek` has read. */
  private async open(read: ReadEnvelope, keyFor: (kid: string) => KeyObject | undefined, now: Date): Promise<Envelope> {
    try {
      return await verifyEnvelope(read, {
        publicKeyFor: (kid) => keyFor(kid) ?? null,
        expectedRecipient: this.ctx.self.stateCode,
        now,
        maxAgeMs: this.options.maxAgeMs,
        maxSkewMs: this.options.maxSkewMs,
      });
    } catch (e) {
      if (e instanceof EnvelopeError) {
        // The sender is a trusted peer (`admit`): a key ID naming none of its keys is a
        // signature that does not verify with the peer's key named by `kid` (protocol §4.1, step 10).
        if (e.code === 'unknown_sender') throw refuse('unauthenticated', 'bad_signature', `${e.message}: it is neither the current key of ${read.sender} nor one retired within the retry period.`);
        throw refuse(e.code === 'bad_signature' ? 'unauthenticated' : 'invalid', e.code, e.message);
      }
      throw e;
    }
  }

  /** Checks that this node knows the envelope's type and that its body is valid. */
  private typed(envelope: Envelope): Envelope {
    if (!isMessageType(envelope.type)) throw refuse('invalid', 'unknown_type', `This node does not know messages of type ${envelope.type}.`);
    const body = messageBodies[envelope.type].safeParse(envelope.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw refuse('invalid', 'schema_invalid', `The ${envelope.type} body is not valid: ${where}${issue?.message ?? ''}`);
    }
    return envelope;
  }

  /** What the envelope claims, if its type and body are valid; not to act on before its signature is checked. */
  private claimed(read: ReadEnvelope): Envelope | null {
    try {
      return this.typed(read.read.payload);
    } catch {
      return null;
    }
  }

  /** This node's signed receipt for the envelope with this hash, received now. */
  private signReceipt(hash: string, now: Date): Promise<string> {
    return signReceipt(createReceipt({ hash }, this.ctx.self.stateCode, now), { privateKey: this.ctx.self.privateKey });
  }

  /** The inbox row of a checked envelope, with its receipt. */
  private item(jws: string, hash: string, envelope: Envelope, now: Date, receipt: string): InboundItem {
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
    return { record, envelope };
  }

  /** Stores a checked envelope with the next group commit; its receipt, or the first one it was given. */
  private async store(item: PendingItem): Promise<{ receipt: string; duplicate: boolean }> {
    const outcome = await this.batches.submit(item);
    if (outcome.kind === 'id_reused') throw refuse('conflict', 'id_reused', `Envelope id ${item.envelope.id} was already received with different content.`);
    return { receipt: outcome.receipt, duplicate: outcome.kind === 'duplicate' };
  }

  /**
   * Records a batch in one transaction: first without looking up what was received before, and
   * again with the look-up if an envelope turns out to have been received already. If an
   * envelope's signature did not pass, the transaction is rolled back and the others are recorded
   * without it. If that fails, each envelope is recorded in its own transaction, so the error
   * stays with the envelope that caused it.
   */
  private async commit(items: readonly PendingItem[]): Promise<Settled<InboundOutcome>[]> {
    try {
      return await this.commitChecked(items);
    } catch (e) {
      if (!(e instanceof Unverified)) throw e;
      const checks = await Promise.allSettled(items.map((i) => i.verified));
      const passed = items.filter((_, i) => checks[i]!.status === 'fulfilled');
      const again = passed.length > 0 ? await this.commit(passed) : [];
      let next = 0;
      return checks.map((c) => (c.status === 'fulfilled' ? again[next++]! : { ok: false, error: c.reason }));
    }
  }

  /** `commit`, throwing `Unverified` when an envelope's signature did not pass. */
  private async commitChecked(items: readonly PendingItem[]): Promise<Settled<InboundOutcome>[]> {
    let results: Settled<InboundOutcome>[];
    // Whether applying queued messages or evidence fetches: only then are the sender and fetcher woken.
    let queued = false;
    try {
      let recorded;
      try {
        // Nearly every envelope is new: the first try does not look up what was received before.
        recorded = await this.record(items, false);
      } catch (e) {
        if (!(e instanceof AlreadyReceived)) throw e;
        recorded = await this.record(items, true);
      }
      queued = recorded.queued;
      results = recorded.outcomes.map((value) => ({ ok: true, value }));
    } catch (e) {
      if (e instanceof Unverified) throw e;
      if (items.length === 1 && !(e instanceof AlreadyReceived)) results = [{ ok: false, error: e }];
      else {
        results = [];
        for (const item of items) {
          const [result, q] = await this.commitOne(item);
          results.push(result);
          queued ||= q;
        }
      }
    }
    const stored = items.filter((_, i) => {
      const r = results[i];
      return r?.ok && r.value.kind === 'stored';
    });
    if (stored.some((i) => i.envelope.type === 'key.rotate')) this.ctx.peerCache?.clear();
    if (queued) this.ctx.onQueued?.();
    return results;
  }

  /**
   * Records envelopes in one transaction, which commits only once every one of them has passed
   * its signature's check; also says whether that queued work for the sender or fetcher. The log
   * append first starts from the head this process last wrote, without waiting to lock it, and
   * if the head had moved meanwhile (another process appended) the transaction is run again
   * with the lock.
   */
  private async record(items: readonly PendingItem[], lookUp: boolean): Promise<{ outcomes: InboundOutcome[]; queued: boolean }> {
    try {
      return await this.recordOnce(items, lookUp, true);
    } catch (e) {
      if (!(e instanceof LogHeadMoved)) throw e;
      return this.recordOnce(items, lookUp, false);
    }
  }

  private recordOnce(items: readonly PendingItem[], lookUp: boolean, unlocked: boolean): Promise<{ outcomes: InboundOutcome[]; queued: boolean }> {
    return this.ctx.store.transaction(async (tx) => {
      const outcomes = await recordInboundBatch(tx, this.ctx, items, { lookUp, unlocked });
      // Waited for last, so the checks run while the statements above do.
      const checks = await Promise.allSettled(items.map((i) => i.verified));
      if (checks.some((c) => c.status === 'rejected')) throw new Unverified();
      return { outcomes, queued: tx.hasQueued() };
    });
  }

  /** Records one envelope in its own transaction, as `record` does. */
  private async commitOne(item: PendingItem): Promise<[Settled<InboundOutcome>, boolean]> {
    try {
      const { outcomes, queued } = await this.record([item], true);
      return [{ ok: true, value: outcomes[0]! }, queued];
    } catch (error) {
      if (error instanceof Unverified) return [{ ok: false, error: await item.verified.then(() => error, (refusal: unknown) => refusal) }, false];
      if (!(error instanceof AlreadyReceived)) return [{ ok: false, error }, false];
      // Stored first by a concurrent transaction: answer as it did.
      try {
        const first = await this.ctx.store.inbox.byHash(item.record.hash);
        return [{ ok: true, value: first ? { kind: 'duplicate', receipt: first.receipt } : { kind: 'id_reused' } }, false];
      } catch (e) {
        return [{ ok: false, error: e }, false];
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
