import type { LogEntryRecord, OutboxRecord } from './ports.js';

/** What proofs read from the store (core/src/domain/proofs.ts). */
export interface ProofRepo {
  /**
   * The log entries about one envelope, by index: the envelope itself (sent or received), the
   * receipt for it (received or issued) and the evidence commitments that travelled in it.
   */
  entriesAbout(envelopeHash: string): Promise<LogEntryRecord[]>;
  /** The message this node sent with this envelope hash, if any. */
  sentByHash(hash: string): Promise<OutboxRecord | undefined>;
}
