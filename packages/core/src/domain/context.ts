import type { KeyObject } from 'node:crypto';
import type { SessionRecord, Store, TokenRecord, UserRecord } from './ports.js';

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
 * Who a session or token secret belongs to, remembered briefly so that reads do not cost three
 * queries each. Every write to accounts, sessions or tokens clears it, so a revoked token or a
 * changed role takes effect on the next request; the time limit is only a second line of defence.
 */
export class AuthCache {
  private readonly entries = new Map<string, { user: UserRecord; session?: SessionRecord; token?: TokenRecord; until: number }>();
  constructor(private readonly ttlMs = 30_000, private readonly maxEntries = 10_000) {}

  get(key: string, now: Date) {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now.getTime() || (hit.session && hit.session.expiresAt <= now)) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  /** Bumped by every clear; a lookup that began before a clear must not store what it read. */
  generation = 0;

  set(key: string, value: { user: UserRecord; session?: SessionRecord; token?: TokenRecord }, now: Date, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { ...value, until: now.getTime() + this.ttlMs });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

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
  /** Called after a transaction that queued messages has committed, so the sender wakes at once. */
  onQueued?: () => void;
}

/** Facts about the request an operation serves, kept in the audit trail. */
export interface RequestMeta {
  requestId: string | null;
}
