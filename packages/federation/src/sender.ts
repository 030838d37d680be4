import { peerWithKeys, recordDeliveries, recordFailure, type Delivery, type DomainContext, type NodeSelf, type OutboxRecord, type PeerRecord } from '@parley/core';
import {
  batchResponse,
  DELIVERY_HEADER,
  ENVELOPE_MEDIA_TYPE,
  INBOX_BATCH_PATH,
  INBOX_PATH,
  MAX_BATCH_BYTES,
  MAX_BATCH_ENVELOPES,
  peekEnvelope,
  publicKeyFromRaw,
  signDelivery,
  verifyReceipt,
  type BatchResult,
} from '@parley/protocol';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { BodyTooLarge, readBoundedJson } from './bounded-body.js';
import { GroupCommit, type Settled } from './group-commit.js';
import { logRoundFailure, Rounds } from './rounds.js';

export interface SenderOptions {
  /** Delivery requests in flight at once. */
  concurrency: number;
  /** Most envelopes one request carries to a peer that takes batches (protocol §4.4). */
  batchSize: number;
  /** How long a message is retried before it is given up and its senders told. */
  maxAgeMs: number;
  /** First retry delay; doubled each attempt up to maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the sender looks for due messages when nothing wakes it. */
  pollMs: number;
  requestTimeoutMs: number;
}

export const defaultSenderOptions: SenderOptions = {
  concurrency: 16,
  batchSize: 50,
  maxAgeMs: 7 * 24 * 3600_000,
  baseDelayMs: 2_000,
  maxDelayMs: 3600_000,
  pollMs: 1_000,
  requestTimeoutMs: 15_000,
};

/** Exponential backoff with "equal jitter": half fixed, half random, so retries from many nodes spread out. */
export function backoff(attempts: number, o: Pick<SenderOptions, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(attempts, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

class DeliveryFailure extends Error {}
/** The peer has no batch endpoint (404, 405: an older or simpler implementation), or takes smaller bodies (413). */
class BatchRefused extends Error {
  constructor(readonly status: number) {
    super(`batch refused with ${status}`);
  }
}

/** How long a peer that answered a batch with 404 or 405 is sent one envelope per request (after a 413, only that batch goes one by one). */
const NO_BATCH_MS = 3600_000;

/** A batch body is `{"envelopes":["<jws>",...]}`: 16 bytes around the envelopes, and 3 more for each (compact JWS needs no escaping). */
const EMPTY_BATCH_BYTES = 16;

/**
 * Due messages in delivery requests: one recipient per request, in the order they came, each
 * request within the batch limits; a message too large for any batch goes alone.
 */
export function groupForDelivery(due: readonly OutboxRecord[], batchSize: number): OutboxRecord[][] {
  const size = Math.max(1, Math.min(batchSize, MAX_BATCH_ENVELOPES));
  // The open request of each recipient and signing key, with the size its body has so far.
  const open = new Map<string, { messages: OutboxRecord[]; bytes: number }>();
  const out: OutboxRecord[][] = [];
  for (const message of due) {
    const bytes = message.jws.length + 3;
    if (EMPTY_BATCH_BYTES + bytes > MAX_BATCH_BYTES) {
      out.push([message]);
      continue;
    }
    // One recipient and one signing key per batch: its delivery token is signed by the key that signed its envelopes.
    const key = `${message.recipient} ${peekEnvelope(message.jws).kid}`;
    let current = open.get(key);
    if (!current || current.messages.length >= size || current.bytes + bytes > MAX_BATCH_BYTES) {
      current = { messages: [], bytes: EMPTY_BATCH_BYTES };
      open.set(key, current);
      out.push(current.messages);
    }
    current.messages.push(message);
    current.bytes += bytes;
  }
  return out;
}

/**
 * Delivers the outbox. It reads what is due from the store, so whatever was committed before a
 * crash is delivered after the restart; it records a delivery only with the receiver's signed
 * receipt for exactly that envelope.
 */
export class Sender {
  private running = false;
  /** Messages being delivered, by id, and the number of requests carrying them. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private requests = 0;
  /** Delivery requests made since start, and the envelopes they carried: how well the sender batches. */
  readonly sent = { requests: 0, envelopes: 0 };
  /** Peer URLs that answered a batch with 404 or 405, until when they are sent one envelope per request. */
  private readonly noBatch = new Map<string, number>();
  private loop: Promise<void> | null = null;
  /** The loop's waits, and its wake-ups. */
  private readonly rounds: Rounds;
  /** Peers' public keys by their raw base64url form: importing one costs more than using it. */
  private readonly keys = new Map<string, KeyObject>();
  /** Receipts that arrive while one batch is being marked are marked together in the next transaction. */
  private readonly delivered = new GroupCommit<Delivery, void>((items) => this.markDelivered(items));

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly log: Logger,
    private readonly options: SenderOptions = defaultSenderOptions,
  ) {
    this.rounds = new Rounds(options.pollMs, log, 'the outbox');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((err) => this.log.error({ err }, 'sender stopped on an error'));
  }

  /** Looks for due messages now instead of at the next poll. */
  wake(): void {
    this.rounds.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
  }

  private async run(): Promise<void> {
    await this.rounds.run(
      () => this.running,
      async () => this.room() > 0 && (await this.startDue()) > 0 && this.room() > 0,
    );
  }

  private room(): number {
    return this.options.concurrency - this.requests;
  }

  /** Starts delivering what is due, as far as there is room; how many requests it started. */
  private async startDue(): Promise<number> {
    let started = 0;
    const due = await this.ctx.store.outbox.due(this.ctx.now(), this.room() * this.options.batchSize, [...this.inFlight.keys()]);
    for (const group of groupForDelivery(due, this.options.batchSize)) {
      if (this.requests >= this.options.concurrency) break;
      this.requests++;
      // A delivery whose outcome could not be recorded stays due and is made again: a peer answers
      // a repeat with its first receipt.
      const p = this.deliver(group)
        .catch((err) => logRoundFailure(this.log, err, { messages: group.map((m) => m.id) }, 'delivery bookkeeping failed'))
        .finally(() => {
          this.requests--;
          for (const m of group) this.inFlight.delete(m.id);
          this.wake();
        });
      for (const m of group) this.inFlight.set(m.id, p);
      started++;
    }
    return started;
  }

  /** Delivers messages to one recipient: in one batch request where it takes them, else one by one. */
  private async deliver(group: readonly OutboxRecord[]): Promise<void> {
    const recipient = group[0]!.recipient;
    const peer = (await peerWithKeys(this.ctx, recipient, this.options.maxAgeMs))?.peer;
    const failAll = (error: unknown) => Promise.all(group.map((m) => this.settle(m, !!peer, Promise.reject(error)))).then(() => undefined);
    if (!peer) return failAll(new DeliveryFailure(`${recipient} is no longer a peer of this node`));
    if (peer.status === 'suspended') return failAll(new DeliveryFailure(`${recipient} is suspended on this node`));
    if (group.length > 1 && (this.noBatch.get(peer.url) ?? 0) <= Date.now()) {
      let outcomes: Settled<{ receipt: string; receivedAt: Date }>[] | null = null;
      try {
        outcomes = await this.postBatch(peer, group);
      } catch (e) {
        if (!(e instanceof BatchRefused)) return failAll(e);
        if (e.status !== 413) {
          this.noBatch.set(peer.url, Date.now() + NO_BATCH_MS);
          this.log.info({ peer: peer.stateCode }, 'peer takes no batches: delivering one envelope per request');
        }
      }
      if (outcomes) {
        const each = outcomes;
        await Promise.all(
          group.map((m, i) => {
            const r = each[i]!;
            return this.settle(m, true, r.ok ? Promise.resolve(r.value) : Promise.reject(r.error));
          }),
        );
        return;
      }
    }
    // One envelope per request, one after another: this group counts as one request in flight.
    for (const m of group) await this.settle(m, true, this.post(peer, m));
  }

  /** Records what became of one attempt: delivered with its receipt, retried later, or given up. */
  private async settle(message: OutboxRecord, isPeer: boolean, outcome: Promise<{ receipt: string; receivedAt: Date }>): Promise<void> {
    const { store } = this.ctx;
    try {
      const { receipt, receivedAt } = await outcome;
      await this.delivered.submit({ message, receipt, receivedAt });
      this.log.debug({ message: message.id, to: message.recipient, type: message.type }, 'delivered');
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const attempts = message.attempts + 1;
      const now = this.ctx.now();
      if (!isPeer || now.getTime() - message.createdAt.getTime() >= this.options.maxAgeMs) {
        await store.transaction(async (tx) => {
          // A message given up meanwhile (its peer removed) was told of then: not twice.
          if (await tx.outbox.markFailed(message.id, attempts, reason, now)) await recordFailure(tx, this.ctx, message, reason);
        });
        this.log.warn({ message: message.id, to: message.recipient, attempts, reason }, 'delivery given up');
      } else {
        const next = new Date(now.getTime() + backoff(attempts, this.options));
        await store.outbox.markRetry(message.id, attempts, next, reason);
        this.log.info({ message: message.id, to: message.recipient, attempts, reason, next }, 'delivery will be retried');
      }
    }
  }

  /**
   * Marks receipted messages delivered, with their log entries, in one transaction; if that
   * fails, each in its own, so an error stays with the message that caused it.
   */
  private async markDelivered(items: readonly Delivery[]): Promise<Settled<void>[]> {
    const mark = (batch: readonly Delivery[]) => this.ctx.store.transaction((tx) => recordDeliveries(tx, this.ctx, batch));
    try {
      await mark(items);
      return items.map(() => ({ ok: true, value: undefined }));
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      const results: Settled<void>[] = [];
      for (const item of items) {
        results.push(
          await mark([item]).then(
            () => ({ ok: true, value: undefined }) as const,
            (e: unknown) => ({ ok: false, error: e }) as const,
          ),
        );
      }
      return results;
    }
  }

  /** The key that signs an attempt: the one that signed its envelopes, so a peer that has not yet learnt of a key rotation can still check both. */
  private signerFor(jws: string): [KeyObject, string] {
    const kid = peekEnvelope(jws).kid;
    const previous = this.ctx.self.previousKeys.get(kid);
    return previous ? [previous, kid] : [this.ctx.self.privateKey, this.ctx.self.fingerprint];
  }

  private async request(peer: PeerRecord, path: string, contentType: string, token: string, body: string, envelopes: number): Promise<Response> {
    this.sent.requests++;
    this.sent.envelopes += envelopes;
    try {
      return await fetch(`${peer.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, [DELIVERY_HEADER]: token, accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as Error).cause;
      throw new DeliveryFailure(`could not reach ${peer.url}: ${cause instanceof Error ? cause.message : (e as Error).message}`);
    }
  }

  private async post(peer: PeerRecord, message: OutboxRecord): Promise<{ receipt: string; receivedAt: Date }> {
    const [key, kid] = this.signerFor(message.jws);
    const token = await signDelivery({ envelope: message.hash, to: peer.stateCode, sent: this.ctx.now() }, key, kid);
    const res = await this.request(peer, INBOX_PATH, ENVELOPE_MEDIA_TYPE, token, message.jws, 1);
    const body = (await answer(peer, res, MAX_ANSWER_BYTES)) as { receipt?: unknown; code?: unknown; detail?: unknown };
    if (res.status !== 200 || typeof body.receipt !== 'string') throw refusal(peer, res.status, body);
    return this.checkReceipt(peer, message, body.receipt);
  }

  /**
   * Delivers messages (one recipient, one signing key) in one request; answers each message's
   * outcome on its own. A failure of the request as a whole fails every message of it.
   */
  private async postBatch(peer: PeerRecord, group: readonly OutboxRecord[]): Promise<Settled<{ receipt: string; receivedAt: Date }>[]> {
    const [key, kid] = this.signerFor(group[0]!.jws);
    const token = await signDelivery({ envelope: group.map((m) => m.hash), to: peer.stateCode, sent: this.ctx.now() }, key, kid);
    const res = await this.request(peer, INBOX_BATCH_PATH, 'application/json', token, JSON.stringify({ envelopes: group.map((m) => m.jws) }), group.length);
    if (res.status === 404 || res.status === 405 || res.status === 413) {
      await res.body?.cancel();
      throw new BatchRefused(res.status);
    }
    const raw = (await answer(peer, res, MAX_BATCH_ANSWER_BYTES)) as { code?: unknown; detail?: unknown };
    if (res.status !== 200) throw refusal(peer, res.status, raw);
    const parsed = batchResponse.safeParse(raw);
    if (!parsed.success || parsed.data.results.length !== group.length) {
      throw new DeliveryFailure(`${peer.stateCode} answered a batch of ${group.length} with something other than ${group.length} results`);
    }
    return Promise.all(
      group.map(async (message, i): Promise<Settled<{ receipt: string; receivedAt: Date }>> => {
        const result: BatchResult = parsed.data.results[i]!;
        if (!('receipt' in result)) return { ok: false, error: refusal(peer, result.status, result) };
        try {
          return { ok: true, value: await this.checkReceipt(peer, message, result.receipt) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** A delivery counts only with the receiver's valid signed receipt for exactly that envelope. */
  private async checkReceipt(peer: PeerRecord, message: OutboxRecord, receiptJws: string): Promise<{ receipt: string; receivedAt: Date }> {
    const known = (await peerWithKeys(this.ctx, peer.stateCode, this.options.maxAgeMs))?.keys ?? new Map([[peer.fingerprint, peer.publicKey]]);
    const receipt = await verifyReceipt(receiptJws, {
      publicKeyFor: (kid) => {
        const raw = known.get(kid);
        if (!raw) return null;
        let key = this.keys.get(raw);
        if (!key) {
          if (this.keys.size >= 1000) this.keys.clear();
          key = publicKeyFromRaw(Buffer.from(raw, 'base64url'));
          this.keys.set(raw, key);
        }
        return key;
      },
      expectedEnvelope: message.hash,
      expectedReceiver: peer.stateCode,
    }).catch((e: Error) => {
      throw new DeliveryFailure(`${peer.stateCode} sent a receipt that does not verify: ${e.message}`);
    });
    return { receipt: receiptJws, receivedAt: new Date(receipt.received) };
  }
}

// A 503 is the peer unable to take the message for now (its database down, say), not a refusal of it.
const refusal = (peer: PeerRecord, status: number, body: { code?: unknown; detail?: unknown }) =>
  new DeliveryFailure(`${peer.stateCode} ${status === 503 ? 'could not take the message for now' : 'refused the message'} (${status}${typeof body.code === 'string' ? ` ${body.code.slice(0, 100)}` : ''}): ${typeof body.detail === 'string' ? body.detail.slice(0, 1000) : 'no receipt'}`);

/** A receipt, or a problem, is a few hundred bytes; a batch's answer is one of those per envelope. */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_BATCH_ANSWER_BYTES = 1024 * 1024;

/** A peer's answer as JSON (an empty object when it is not JSON), read up to `limit` bytes. */
async function answer(peer: PeerRecord, res: Response, limit: number): Promise<object> {
  try {
    const body = await readBoundedJson(res, limit);
    return typeof body === 'object' && body !== null ? body : {};
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new DeliveryFailure(`${peer.stateCode} ${e.message}, more than a receipt can be`);
    return {};
  }
}
