import type { Readable } from 'node:stream';

/** Ports of the evidence feature: the records in the database and the content on disk. */

export type EvidenceStatus = 'stored' | 'expected' | 'transferring' | 'received' | 'failed';

/**
 * One evidence item as this node knows it. Content is identified by its SHA-256 alone; several
 * records may share it (two uploads of the same file, the same file in two consultations).
 * `stored`: uploaded here. `expected`/`transferring`: announced by a peer, being fetched from
 * `originState`. `received`: fetched and checked against its hash. `failed`: given up, see `error`.
 */
export interface EvidenceRecord {
  id: string;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
  size: number;
  /** Already made safe by `safeFileName`. */
  name: string;
  mediaType: string;
  malware: boolean;
  originState: string;
  uploadedBy: string | null;
  createdAt: Date;
  status: EvidenceStatus;
  receivedBytes: number;
  error: string | null;
  caseId: string | null;
  salt: string | null;
  /** Fetch attempts so far, and when the next is due; meaningful while expected or transferring. */
  attempts: number;
  nextAttemptAt: Date | null;
  updatedAt: Date;
}

export interface EvidenceRepo {
  insert(record: EvidenceRecord): Promise<void>;
  byId(id: string): Promise<EvidenceRecord | undefined>;
  /** Every record of these contents, oldest first. */
  byHashes(sha256s: readonly string[]): Promise<EvidenceRecord[]>;
  /** Records still to fetch whose next attempt is due, oldest first, excluding contents already being fetched. */
  due(now: Date, limit: number, busyHashes: readonly string[]): Promise<EvidenceRecord[]>;
  nextDue(): Promise<Date | undefined>;
  /** Progress of a fetch: bytes safely on disk, and the status (`transferring`). */
  setProgress(id: string, receivedBytes: number, at: Date): Promise<void>;
  /** A failed attempt to be retried at `next`; `receivedBytes` stays as it is. */
  markRetry(id: string, attempts: number, next: Date, error: string, at: Date): Promise<void>;
  /** Every record of this content still expected or transferring becomes received; returns them. */
  markReceived(sha256: string, size: number, at: Date): Promise<EvidenceRecord[]>;
  markFailed(id: string, error: string, at: Date): Promise<void>;
  /** Records that `recipient` may fetch this content from this node; idempotent. */
  grant(sha256: string, recipient: string, at: Date): Promise<void>;
  isGranted(sha256: string, recipient: string): Promise<boolean>;
  /** Ends every grant to `recipient`; returns the contents it had been granted. */
  revokeGrants(recipient: string): Promise<string[]>;
  /** How many contents each peer has been granted. */
  grantCounts(): Promise<Map<string, number>>;
}

/** Where a blob put went: its hash, its size, and whether these bytes were new to the store. */
export interface PutResult {
  sha256: string;
  size: number;
  created: boolean;
}

/**
 * A partial download of one content, kept across interruptions and restarts. Everything written
 * is hashed as it goes; `finish` moves it into the store only if size and hash are what was announced.
 */
export interface PartialBlob {
  /** Bytes held now (and hashed). */
  readonly size: number;
  /** Opens the partial file, keeps at most its first `keep` bytes (those known to be synced), hashes them again. */
  open(keep: number): Promise<number>;
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Flushes to disk and returns how many bytes are now durable (the size when it was called).
   * May run while further bytes are written: those are covered by the next sync.
   */
  sync(): Promise<number>;
  /** Checks size and hash; on a match the content enters the store, otherwise the bytes are discarded. */
  finish(expected: { sha256: string; size: number }): Promise<{ ok: true } | { ok: false; sha256: string; size: number }>;
  close(): Promise<void>;
  discard(): Promise<void>;
}

/** Content-addressed storage of evidence bytes. */
export interface BlobStore {
  /**
   * Streams `source` in, computing its SHA-256 on the way, and stores it under that hash. Memory
   * stays flat whatever the size. A source that fails, or passes `maxBytes`, leaves nothing behind.
   */
  put(source: AsyncIterable<Uint8Array>, options?: { maxBytes?: number; expectedBytes?: number }): Promise<PutResult>;
  /** The size of stored content, or undefined when this node does not hold it. */
  stat(sha256: string): Promise<{ size: number } | undefined>;
  /** Reads stored content, the whole or bytes `start` to `end` inclusive. */
  read(sha256: string, range?: { start: number; end: number }): Readable;
  /**
   * The partial download of a content from one peer. Each peer's bytes are kept apart: a peer that
   * announced the same hash and sent other bytes must not leave them for another's transfer to resume.
   */
  partial(sha256: string, from: string): PartialBlob;
}
