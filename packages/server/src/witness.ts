import {
  consistencyProofResponse,
  collectCosignature,
  crossCheck,
  witnessBackoffMs,
  WitnessFetchError,
  witnessPeer,
  type CheckedPairs,
  type DomainContext,
  type NodeSelf,
  type WitnessTransport,
} from '@parley/core';
import { discoveryDocument, LOG_PATHS, WITNESS_LIMITS, WITNESS_PATHS, witnessedDocument, type WitnessedDocument } from '@parley/protocol';
import { BodyTooLarge, logRoundFailure, readBounded } from '@parley/federation';
import type { Logger } from 'pino';
import { Periodic } from './periodic.js';

export interface WitnessOptions {
  /** How often to witness each peer's log; also the first step of the backoff. */
  intervalMs: number;
  /** The longest wait before asking a failing peer again. */
  maxBackoffMs: number;
  /** Each request to a peer ends after this long. */
  requestTimeoutMs: number;
}

export const defaultWitnessOptions: WitnessOptions = { intervalMs: 30_000, maxBackoffMs: 15 * 60_000, requestTimeoutMs: 10_000 };

/** Reads at most `limit` bytes of a body, so a peer cannot make the witness hold an unbounded answer. */
async function readLimited(res: Response, limit: number, what: string): Promise<string> {
  try {
    return (await readBounded(res, limit)).toString('utf8');
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new WitnessFetchError(`${what} is larger than ${limit} bytes`);
    throw e;
  }
}

/** The witness's requests to peers, over HTTP with a timeout, no redirects and bounded answers. */
export function httpWitnessTransport(timeoutMs: number): WitnessTransport {
  const get = async (url: string, what: string, limit: number, accept: string): Promise<{ status: number; text: string }> => {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept } });
    } catch (e) {
      const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
      throw new WitnessFetchError(`could not reach ${url}: ${cause}`);
    }
    const text = await readLimited(res, limit, what).catch((e: unknown) => {
      if (e instanceof WitnessFetchError) throw e;
      throw new WitnessFetchError(`${url} broke off its answer: ${(e as Error).message}`);
    });
    return { status: res.status, text };
  };
  const refused = (url: string, status: number, text: string) => {
    let detail = '';
    try {
      const problem = JSON.parse(text) as { code?: unknown };
      if (typeof problem.code === 'string') detail = ` (${problem.code})`;
    } catch {
      // not a problem document: the status says enough
    }
    return new WitnessFetchError(`${url} answered ${status}${detail}`, status);
  };
  const json = (url: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new WitnessFetchError(`${url} did not answer with JSON`);
    }
  };
  return {
    async discovery(base) {
      const url = `${base}/.well-known/parley`;
      const r = await get(url, 'the discovery document', WITNESS_LIMITS.maxNoteBytes * 4, 'application/json');
      if (r.status !== 200) throw refused(url, r.status, r.text);
      const parsed = discoveryDocument.safeParse(json(url, r.text));
      if (!parsed.success) throw new WitnessFetchError(`${url} is not a valid Parley discovery document`);
      return parsed.data;
    },
    async checkpoint(base) {
      const url = `${base}${LOG_PATHS.checkpoint}`;
      const r = await get(url, 'a checkpoint', WITNESS_LIMITS.maxNoteBytes, 'text/plain');
      if (r.status !== 200) throw refused(url, r.status, r.text);
      return r.text;
    },
    async consistency(base, oldSize, newSize) {
      const url = `${base}${LOG_PATHS.consistency}?old=${oldSize}&new=${newSize}`;
      const r = await get(url, 'a consistency proof', 64 * 1024, 'application/json');
      if (r.status !== 200) throw refused(url, r.status, r.text);
      const parsed = consistencyProofResponse.safeParse(json(url, r.text));
      if (!parsed.success) throw new WitnessFetchError(`${url} did not answer with a consistency proof`, 502);
      const hash = (b64: string) => {
        const bytes = Buffer.from(b64, 'base64');
        if (bytes.length !== 32 || bytes.toString('base64') !== b64) throw new WitnessFetchError(`${url} answered a hash that is not 32 bytes of base64`, 502);
        return bytes;
      };
      return { oldRoot: hash(parsed.data.oldRoot), proof: parsed.data.proof.map(hash) };
    },
    async witnessed(base) {
      const url = `${base}${WITNESS_PATHS.witnessed}`;
      const r = await get(url, 'the witnessed checkpoints', WITNESS_LIMITS.maxWitnessedBytes, 'application/json');
      if (r.status !== 200) throw refused(url, r.status, r.text);
      const parsed = witnessedDocument.safeParse(json(url, r.text));
      if (!parsed.success) throw new WitnessFetchError(`${url} is not a valid list of witnessed checkpoints`);
      return parsed.data;
    },
    async cosignature(base, origin) {
      const url = `${base}${WITNESS_PATHS.cosignature}?origin=${encodeURIComponent(origin)}`;
      const r = await get(url, 'a cosigned checkpoint', WITNESS_LIMITS.maxNoteBytes, 'text/plain');
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw refused(url, r.status, r.text);
      return r.text;
    },
  };
}

/**
 * Witnesses every trusted peer's log in rounds, one round per interval: checks and cosigns each
 * peer's checkpoint, compares what the other peers witnessed, and collects the cosignatures
 * peers made of this node's log. A failing peer is asked again after a growing delay. Errors
 * are logged, never thrown; a round never overlaps the next.
 */
export class Witness {
  private readonly loop: Periodic;
  /** Pairs of checkpoints already proven consistent, by origin; bounded by a reset. */
  private checked: CheckedPairs = new Set();

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    readonly origin: string,
    private readonly log: Logger,
    private readonly options: WitnessOptions = defaultWitnessOptions,
    private readonly transport: WitnessTransport = httpWitnessTransport(options.requestTimeoutMs),
  ) {
    this.loop = new Periodic(() => this.tick(), options.intervalMs, options.intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round over every trusted peer. */
  async tick(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      logRoundFailure(this.log, err, {}, 'witness round failed; will try again');
    }
  }

  private async round(): Promise<void> {
    const peers = (await this.ctx.store.peers.list()).filter((p) => p.status === 'trusted');
    const now = this.ctx.now().getTime();
    const records = new Map((await this.ctx.store.witness.list()).map((r) => [r.stateCode, r]));
    const reachable = [];
    for (const peer of peers) {
      const last = records.get(peer.stateCode);
      const wait = witnessBackoffMs(last?.failures ?? 0, this.options.intervalMs, this.options.maxBackoffMs);
      // A round that comes a little early (timers drift) still counts for a healthy peer.
      if (last && last.failures > 0 && now - last.checkedAt.getTime() < wait - this.options.intervalMs / 2) continue;
      const result = await witnessPeer(this.ctx, this.transport, peer, this.origin);
      if (result.status === 'unreachable' || result.status === 'proof_unavailable') {
        this.log.warn({ peer: peer.stateCode, status: result.status, problem: result.problem }, 'could not witness a peer');
        continue;
      }
      if (result.status !== 'consistent') this.log.error({ peer: peer.stateCode, status: result.status, problem: result.problem }, 'refused a peer checkpoint');
      reachable.push(peer);
    }
    if (this.checked.size > 10_000) this.checked = new Set();
    for (const from of reachable) {
      let document: WitnessedDocument;
      try {
        document = await this.transport.witnessed(from.url);
      } catch (err) {
        if (err instanceof WitnessFetchError) {
          this.log.warn({ peer: from.stateCode, err: err.message }, 'could not read what a peer witnessed');
          continue;
        }
        throw err;
      }
      const forks = await crossCheck(this.ctx, this.transport, from, document, this.origin, this.checked);
      if (forks > 0) this.log.fatal({ peer: from.stateCode, forks }, 'FORK DETECTED: a log showed different histories to different peers; evidence recorded');
    }
    for (const peer of reachable) {
      try {
        await collectCosignature(this.ctx, this.transport, peer, this.origin);
      } catch (err) {
        if (!(err instanceof WitnessFetchError)) throw err;
        this.log.warn({ peer: peer.stateCode, err: err.message }, 'could not collect a cosignature');
      }
    }
  }
}
