import type { KeyObject } from 'node:crypto';
import type { PeerRecord, SessionRecord, Store, TokenRecord, UserRecord } from './ports.js';

/** The node itself, as the domain needs it to sign what it sends. */
export interface NodeSelf {
  stateCode: string;
  name: string;
  /** The current signing key; replaced in place when the node rotates its key. */
  privateKey: KeyObject;
  fingerprint: string;
  /** Earlier keys by fingerprint, still used to sign delivery attempts of envelopes they signed. */
  previousKeys: Map<string, KeyObject>;
}

/**
 * A short-lived memory of reads that every request repeats (who a token belongs to, a peer's
 * keys). Writes clear it once committed; `generation` makes a read that began before a clear
 * unable to store what it read, so a revocation cannot be undone by a race. The time limit is
 * only a second line of defence.
 */
export class ReadCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Bumped by every clear. */
  generation = 0;
  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
    private readonly stillValid: (value: V, now: Date) => boolean = () => true,
  ) {}

  get(key: string, now: Date): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now.getTime() || !this.stillValid(hit.value, now)) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V, now: Date, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now.getTime() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

export type AuthEntry = { user: UserRecord; session?: SessionRecord; token?: TokenRecord };

/** Sessions and tokens: an entry also ends with its session. */
export class AuthCache extends ReadCache<AuthEntry> {
  constructor(ttlMs = 30_000, maxEntries = 10_000) {
    super(ttlMs, maxEntries, (v, now) => !v.session || v.session.expiresAt > now);
  }
}

/** A peer with every key it may sign with, by fingerprint. */
export type PeerEntry = { peer: PeerRecord; keys: Map<string, string> };

/** What every domain operation needs: the store, the time, and where the node is reachable. */
export interface DomainContext {
  store: Store;
  now(): Date;
  /** Base URL that people use to reach this node's web interface, without a trailing slash. */
  publicUrl: string;
  /** Present in a running node; absent for one-off commands. */
  authCache?: AuthCache;
  /** The node's identity and signing key; needed by anything that sends to peers. */
  self?: NodeSelf;
  /** Peers and their keys, for the inbox and the sender; present in a running node. */
  peerCache?: ReadCache<PeerEntry>;
  /** Hours a recipient has to acknowledge a consultation, by urgency; defaults apply when absent. */
  consultationPolicy?: { ackHours: Record<'urgent' | 'high' | 'routine', number> };
  /** Called after a transaction that queued messages has committed, so the sender wakes at once. */
  onQueued?: () => void;
}

/** Facts about the request an operation serves, kept in the audit trail. */
export interface RequestMeta {
  requestId: string | null;
}
