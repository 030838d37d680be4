import {
  peerWithKeys,
  recordEvidenceFailed,
  recordEvidenceReceived,
  type BlobStore,
  type DomainContext,
  type EvidenceRecord,
  type NodeSelf,
  type PartialBlob,
} from '@parley/core';
import { EVIDENCE_PATH, FETCH_HEADER, signFetch } from '@parley/protocol';
import type { Logger } from 'pino';
import { logRoundFailure, Rounds } from './rounds.js';
import { readBoundedJson } from './bounded-body.js';
import { backoff } from './sender.js';

export interface EvidenceFetcherOptions {
  /** Contents fetched at once. */
  concurrency: number;
  /** Bytes asked for in one ranged request. */
  chunkBytes: number;
  /** Largest file this node fetches: a peer announcing more is refused, not allowed to fill the disk. */
  maxBytes: number;
  /** How long a fetch is retried before it is given up and officers told. */
  maxAgeMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How often the fetcher looks for due work when nothing wakes it. */
  pollMs: number;
  /** Longest time for one ranged request, body included. */
  requestTimeoutMs: number;
  /** Called after each chunk is safely on disk; tests use it to interrupt a transfer at a known point. */
  afterChunk?: ((record: EvidenceRecord, receivedBytes: number) => Promise<void>) | undefined;
}

export const defaultEvidenceFetcherOptions: EvidenceFetcherOptions = {
  concurrency: 2,
  chunkBytes: 16 * 1024 * 1024,
  maxBytes: 20 * 1024 ** 3,
  maxAgeMs: 7 * 24 * 3600_000,
  baseDelayMs: 2_000,
  maxDelayMs: 3600_000,
  pollMs: 1_000,
  requestTimeoutMs: 120_000,
};

class FetchFailure extends Error {}

/**
 * Pulls evidence that peers announced (records `expected` or `transferring`) from the node that
 * holds it, in ranged requests, each signed by this node. Bytes go to a partial file that is
 * synced and recorded after each chunk, so an interruption (the owner down, a cut connection,
 * this node restarting) resumes from the bytes already held. The content counts as received
 * only once its size and SHA-256 match the announcement; otherwise it is discarded and the
 * record fails with the reason. Like the sender, it works from the store, so a restart resumes.
 */
export class EvidenceFetcher {
  private running = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  private loop: Promise<void> | null = null;
  /** The loop's waits, and its wake-ups. */
  private readonly rounds: Rounds;
  private stopping = new AbortController();

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly blobs: BlobStore,
    private readonly log: Logger,
    private readonly options: EvidenceFetcherOptions = defaultEvidenceFetcherOptions,
  ) {
    this.rounds = new Rounds(options.pollMs, log, 'the evidence to fetch');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run().catch((err) => this.log.error({ err }, 'evidence fetcher stopped on an error'));
  }

  wake(): void {
    this.rounds.wake();
  }

  /** Stops at once: transfers in progress keep what they have and resume at the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
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
    return this.options.concurrency - this.inFlight.size;
  }

  /** Starts fetching what is due, as far as there is room; how many fetches it started. */
  private async startDue(): Promise<number> {
    let started = 0;
    const due = await this.ctx.store.evidence.due(this.ctx.now(), this.room(), [...this.inFlight.keys()]);
    for (const record of due) {
      if (this.inFlight.has(record.sha256)) continue;
      const p = this.fetchOne(record)
        .catch((err) => logRoundFailure(this.log, err, { evidence: record.id }, 'evidence bookkeeping failed'))
        .finally(() => {
          this.inFlight.delete(record.sha256);
          this.wake();
        });
      this.inFlight.set(record.sha256, p);
      started++;
    }
    return started;
  }

  private async fetchOne(record: EvidenceRecord): Promise<void> {
    if (record.size > this.options.maxBytes) {
      const reason = `${record.originState} announced a file of ${record.size} bytes, more than the ${this.options.maxBytes} this node accepts (PARLEY_MAX_EVIDENCE_BYTES); it was not fetched.`;
      await recordEvidenceFailed(this.ctx, record, reason);
      this.log.warn({ evidence: record.id, size: record.size, limit: this.options.maxBytes }, 'evidence larger than this node accepts; not fetched');
      return;
    }
    // Kept apart per peer: another peer announcing the same hash cannot plant bytes this transfer resumes from.
    const partial = this.blobs.partial(record.sha256, record.originState);
    let progressed = false;
    try {
      await partial.open(record.receivedBytes);
      const peer = (await peerWithKeys(this.ctx, record.originState, this.options.maxAgeMs))?.peer;
      if (!peer) throw new FetchFailure(`${record.originState} is not a peer of this node`);
      if (peer.status !== 'trusted') throw new FetchFailure(`${record.originState} is suspended on this node`);
      // Each range is flushed to disk and recorded while the next one downloads, so the disk's
      // flush and the network overlap; at most one flush is outstanding.
      let syncing: Promise<void> = Promise.resolve();
      try {
        while (partial.size < record.size && this.running) {
          const start = partial.size;
          const end = Math.min(record.size, start + this.options.chunkBytes) - 1;
          await this.fetchRange(peer.url, record, partial, start, end);
          await syncing;
          syncing = partial.sync().then(async (durable) => {
            await this.ctx.store.evidence.setProgress(record.id, durable, this.ctx.now());
            progressed = true;
            await this.options.afterChunk?.(record, durable);
          });
          syncing.catch(() => undefined);
        }
      } finally {
        await syncing.catch(() => undefined);
      }
      await syncing;
      if (!this.running) {
        await partial.close();
        return;
      }
      const result = await partial.finish({ sha256: record.sha256, size: record.size });
      if (result.ok) {
        await recordEvidenceReceived(this.ctx, record);
        this.log.info({ evidence: record.id, sha256: record.sha256, from: record.originState, size: record.size }, 'evidence received');
      } else {
        const reason =
          result.size !== record.size
            ? `the file received from ${record.originState} has ${result.size} bytes, not the ${record.size} announced; it was discarded.`
            : `the file received from ${record.originState} does not match its announced SHA-256 (expected ${record.sha256}, got ${result.sha256}); it was discarded.`;
        await recordEvidenceFailed(this.ctx, record, reason);
        this.log.warn({ evidence: record.id, sha256: record.sha256, got: result.sha256 }, 'evidence hash mismatch');
      }
    } catch (e) {
      await this.interrupted(record, partial, e, progressed);
    }
  }

  /** Keeps the bytes already written, records them, and schedules the next attempt (or gives up). */
  private async interrupted(record: EvidenceRecord, partial: PartialBlob, e: unknown, progressed: boolean): Promise<void> {
    let held = record.receivedBytes;
    try {
      await partial.sync();
      held = partial.size;
      await partial.close();
      if (held > record.receivedBytes) await this.ctx.store.evidence.setProgress(record.id, held, this.ctx.now());
    } catch (err) {
      this.log.warn({ err, evidence: record.id }, 'could not keep the partial evidence file');
      await partial.discard().catch(() => undefined);
      held = 0;
      await this.ctx.store.evidence.setProgress(record.id, 0, this.ctx.now()).catch(() => undefined);
    }
    if (!this.running) return;
    const reason = e instanceof FetchFailure ? e.message : `could not fetch from ${record.originState}: ${(e as Error).message}`;
    const now = this.ctx.now();
    if (now.getTime() - record.createdAt.getTime() >= this.options.maxAgeMs) {
      await partial.discard().catch(() => undefined);
      await recordEvidenceFailed(this.ctx, record, `given up after ${Math.round(this.options.maxAgeMs / 3600_000)} hours of attempts; last error: ${reason}`);
      this.log.warn({ evidence: record.id, reason }, 'evidence fetch given up');
      return;
    }
    // After progress, an interruption starts the backoff again: the owner was reachable a moment ago.
    const attempts = progressed || held > record.receivedBytes ? 1 : record.attempts + 1;
    const next = new Date(now.getTime() + backoff(attempts, this.options));
    await this.ctx.store.evidence.markRetry(record.id, attempts, next, reason, now);
    this.log.info({ evidence: record.id, held, attempts, reason, next }, 'evidence fetch will be retried');
  }

  private async fetchRange(baseUrl: string, record: EvidenceRecord, partial: PartialBlob, start: number, end: number): Promise<void> {
    const self = this.ctx.self;
    const token = await signFetch({ from: self.stateCode, to: record.originState, sha256: record.sha256, sent: this.ctx.now() }, self.privateKey, self.fingerprint);
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${EVIDENCE_PATH}/${record.sha256}`, {
        headers: { [FETCH_HEADER]: token, range: `bytes=${start}-${end}`, accept: 'application/octet-stream' },
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as Error).cause;
      throw new FetchFailure(`could not reach ${record.originState} at ${baseUrl}: ${cause instanceof Error ? cause.message : (e as Error).message}`);
    }
    if (res.status !== 206) {
      // A refusal is a short problem document; anything longer is not read.
      const body = ((await readBoundedJson(res, 64 * 1024).catch(() => undefined)) ?? {}) as { code?: unknown; detail?: unknown };
      throw new FetchFailure(
        `${record.originState} refused the file (${res.status}${typeof body.code === 'string' ? ` ${body.code}` : ''})${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`,
      );
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start || Number(range[2]) !== end) {
      await res.body?.cancel();
      throw new FetchFailure(`${record.originState} answered with another range than asked (${res.headers.get('content-range') ?? 'none'})`);
    }
    if (!res.body) throw new FetchFailure(`${record.originState} sent no content`);
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (partial.size + chunk.byteLength > end + 1) throw new FetchFailure(`${record.originState} sent more bytes than asked for`);
        await partial.write(chunk);
      }
    } catch (e) {
      if (e instanceof FetchFailure) throw e;
      throw new FetchFailure(`the transfer from ${record.originState} was cut off at byte ${partial.size} of ${record.size}: ${(e as Error).message}`);
    }
    if (partial.size !== end + 1) throw new FetchFailure(`the transfer from ${record.originState} was cut off at byte ${partial.size} of ${record.size}`);
  }
}
