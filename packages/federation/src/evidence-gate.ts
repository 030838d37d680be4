import { DomainError, evidenceForPeer, peerWithKeys, type DomainContext, type NodeSelf } from '@parley/core';
import { FetchTokenError, PeerNonceMemory, peekFetch, publicKeyFromRaw, verifyFetch } from '@parley/protocol';

export interface EvidenceGateOptions {
  /** Largest difference between the requester's clock and ours. */
  maxSkewMs: number;
  /** How long a retired key of a peer still signs requests (in flight across a rotation). */
  keyGraceMs: number;
}

export const defaultEvidenceGateOptions: EvidenceGateOptions = { maxSkewMs: 5 * 60_000, keyGraceMs: 7 * 24 * 3600_000 };

const refuse = (kind: 'invalid' | 'unauthenticated' | 'forbidden' | 'conflict', code: string, message: string) => new DomainError(kind, code, message);

/**
 * The owner's side of an evidence fetch (protocol §10): the request is signed by a trusted
 * peer's key, for this node and this content, fresh and not replayed, and that peer has been
 * granted the content. Only then does the node say how large it is.
 */
export class EvidenceGate {
  private readonly nonces = new PeerNonceMemory();

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    private readonly options: EvidenceGateOptions = defaultEvidenceGateOptions,
  ) {}

  async authorize(sha256: string, token: string | undefined): Promise<{ requester: string; size: number }> {
    if (!token) throw refuse('unauthenticated', 'fetch_token_missing', 'A request for evidence needs a signed parley-fetch header from a peer node.');
    let from: string;
    try {
      ({ from } = peekFetch(token));
    } catch (e) {
      throw refuse('invalid', (e as FetchTokenError).code ?? 'fetch_token_malformed', (e as Error).message);
    }
    const known = await peerWithKeys(this.ctx, from, this.options.keyGraceMs);
    if (!known) throw refuse('forbidden', 'unknown_requester', `${from} is not a peer of ${this.ctx.self.stateCode}.`);
    if (known.peer.status !== 'trusted') throw refuse('forbidden', 'requester_suspended', `${from} is suspended on ${this.ctx.self.stateCode}.`);
    try {
      await verifyFetch(token, {
        sha256,
        owner: this.ctx.self.stateCode,
        key: (kid) => {
          const raw = known.keys.get(kid);
          return raw ? publicKeyFromRaw(Buffer.from(raw, 'base64url')) : undefined;
        },
        now: this.ctx.now(),
        maxSkewMs: this.options.maxSkewMs,
        nonces: this.nonces.of(from),
      });
    } catch (e) {
      if (e instanceof FetchTokenError) {
        throw refuse(e.code === 'bad_signature' || e.code === 'fetch_token_missing' ? 'unauthenticated' : e.code === 'replayed' ? 'conflict' : 'invalid', e.code, e.message);
      }
      throw e;
    }
    const { size } = await evidenceForPeer(this.ctx, { sha256, requester: from });
    return { requester: from, size };
  }
}
