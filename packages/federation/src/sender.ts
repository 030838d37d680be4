import { logDelivered, peerWithKeys, recordDelivery, recordFailure, type DomainContext, type NodeSelf, type OutboxRecord, type PeerRecord } from '@parley/core';
import { DELIVERY_HEADER, ENVELOPE_MEDIA_TYPE, INBOX_PATH, peekEnvelope, publicKeyFromRaw, signDelivery, verifyReceipt } from '@parley/protocol';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { GroupCommit, type Settled } from './group-commit.js';

export interface SenderOptions {
  /** Deliveries in flight at once. */
  concurrency: number;
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

/** A message the peer has receipted, to be marked delivered. */
interface Delivered {
  message: OutboxRecord;
  receipt: string;
  receivedAt: Date;
}

/**
 * Delivers the outbox. It reads what is due from the store, so whatever was committed before a
 * crash is delivered after the restart; it records a delivery only with the receiver's signed
 * receipt for exactly that envelope.
 */
export class Sender {
  private running = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Peers' public keys by their raw base64url form: importing one costs more than using it. */
  private readonly keys = new Map<string, KeyObject>();
  /** Receipts that arrive while one batch is being marked are marked together in the next transaction. */
  private readonly delivered = new GroupCommit<Delivered, void>((items) => this.markDelivered(items));

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly log: Logger,
    private readonly options: SenderOptions = defaultSenderOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((err) => this.log.error({ err }, 'sender stopped on an error'));
  }

  /** Looks for due messages now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
  }

  private async run(): Promise<void> {
    while (this.running) {
      const room = this.options.concurrency - this.inFlight.size;
      let started = 0;
      if (room > 0) {
        const due = await this.ctx.store.outbox.due(this.ctx.now(), room, [...this.inFlight.keys()]);
        for (const message of due) {
          const p = this.deliver(message)
            .catch((err) => this.log.error({ err, message: message.id }, 'delivery bookkeeping failed'))
            .finally(() => {
              this.inFlight.delete(message.id);
              this.wake();
            });
          this.inFlight.set(message.id, p);
          started++;
        }
      }
      if (started > 0 && this.inFlight.size < this.options.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
      });
    }
  }

  private async deliver(message: OutboxRecord): Promise<void> {
    const { store } = this.ctx;
    const peer = (await peerWithKeys(this.ctx, message.recipient, this.options.maxAgeMs))?.peer;
    try {
      if (!peer) throw new DeliveryFailure(`${message.recipient} is no longer a peer of this node`);
      if (peer.status === 'suspended') throw new DeliveryFailure(`${message.recipient} is suspended on this node`);
      const { receipt, receivedAt } = await this.post(peer, message);
      await this.delivered.submit({ message, receipt, receivedAt });
      this.log.debug({ message: message.id, to: message.recipient, type: message.type }, 'delivered');
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const attempts = message.attempts + 1;
      const now = this.ctx.now();
      if (!peer || now.getTime() - message.createdAt.getTime() >= this.options.maxAgeMs) {
        await store.transaction(async (tx) => {
          await tx.outbox.markFailed(message.id, attempts, reason);
          await recordFailure(tx, this.ctx, message, reason);
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
  private async markDelivered(items: readonly Delivered[]): Promise<Settled<void>[]> {
    const mark = (batch: readonly Delivered[]) =>
      this.ctx.store.transaction(async (tx) => {
        for (const { message, receipt, receivedAt } of batch) {
          await tx.outbox.markDelivered(message.id, receivedAt, receipt);
          await recordDelivery(tx, this.ctx, message, receivedAt);
        }
        await logDelivered(tx, this.ctx, batch);
      });
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

  private async post(peer: PeerRecord, message: OutboxRecord): Promise<{ receipt: string; receivedAt: Date }> {
    // The attempt is signed by the key that signed the envelope, so a peer that has not yet
    // learnt of a key rotation can still check both.
    const kid = peekEnvelope(message.jws).kid;
    const previous = this.ctx.self.previousKeys.get(kid);
    const [signingKey, signingKid] = previous ? [previous, kid] : [this.ctx.self.privateKey, this.ctx.self.fingerprint];
    const token = await signDelivery({ envelope: message.hash, to: peer.stateCode, sent: this.ctx.now() }, signingKey, signingKid);
    let res: Response;
    try {
      res = await fetch(`${peer.url}${INBOX_PATH}`, {
        method: 'POST',
        headers: { 'content-type': ENVELOPE_MEDIA_TYPE, [DELIVERY_HEADER]: token, accept: 'application/json' },
        body: message.jws,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as Error).cause;
      throw new DeliveryFailure(`could not reach ${peer.url}: ${cause instanceof Error ? cause.message : (e as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as { receipt?: unknown; code?: unknown; detail?: unknown };
    if (res.status !== 200 || typeof body.receipt !== 'string') {
      throw new DeliveryFailure(`${peer.stateCode} refused the message (${res.status}${typeof body.code === 'string' ? ` ${body.code}` : ''}): ${typeof body.detail === 'string' ? body.detail : 'no receipt'}`);
    }
    const known = (await peerWithKeys(this.ctx, peer.stateCode, this.options.maxAgeMs))?.keys ?? new Map([[peer.fingerprint, peer.publicKey]]);
    const receipt = await verifyReceipt(body.receipt, {
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
    return { receipt: body.receipt, receivedAt: new Date(receipt.received) };
  }
}
