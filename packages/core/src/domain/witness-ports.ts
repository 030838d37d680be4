import type { CheckpointRecord } from './ports.js';

/** Storage port of witnessing (core/src/domain/witness.ts); packages/store/src/witness-repo.ts implements it. */

/**
 * How the last look at a peer's log went. `consistent`: its checkpoint verified and extends the
 * last one seen; the others say why nothing new was accepted.
 */
export const WITNESS_STATUSES = [
  'pending',
  'consistent',
  'unreachable',
  'bad_signature',
  'malformed',
  'rollback',
  'origin_changed',
  'proof_unavailable',
  'inconsistent',
] as const;
export type WitnessStatus = (typeof WITNESS_STATUSES)[number];

/** What this node witnessed of one peer's log. */
export interface WitnessedLogRecord {
  stateCode: string;
  /** The log's origin, pinned the first time it is learned. */
  origin: string | null;
  /** The latest checkpoint verified, verbatim as the log signed it; null until the first. */
  size: number | null;
  root: Buffer | null;
  checkpoint: string | null;
  /** That checkpoint with this node's cosignature added. */
  cosigned: string | null;
  witnessedAt: Date | null;
  checkedAt: Date;
  status: WitnessStatus;
  /** Why the status is not `consistent`, in words an administrator can act on. */
  problem: string | null;
  /** The last checkpoint refused, verbatim, for the administrator to see. */
  refused: string | null;
  /** Consecutive failed attempts, for the backoff. */
  failures: number;
}

/** A cosignature a peer gave one of this node's own checkpoints. */
export interface ReceivedCosignatureRecord {
  /** The state code of the cosigning peer. */
  witness: string;
  size: number;
  keyName: string;
  keyId: number;
  /** The signature line, verbatim, ending in a newline. */
  line: string;
  /** The time the witness vouches for (the cosignature's timestamp). */
  signedAt: Date;
  receivedAt: Date;
}

export interface SeenCheckpoint {
  /** The signed note, verbatim. */
  checkpoint: string;
  /** Where it came from, e.g. `XAB https://…/log/checkpoint`. */
  source: string;
  seenAt: Date;
}

/** Two checkpoints signed by one log key that cannot both be true. Kept for good. */
export interface ForkEvidenceRecord {
  id: string;
  origin: string;
  /** The state whose log it is. */
  stateCode: string;
  reason: string;
  first: SeenCheckpoint;
  second: SeenCheckpoint;
  detectedAt: Date;
}

export interface WitnessRepo {
  get(stateCode: string): Promise<WitnessedLogRecord | undefined>;
  list(): Promise<WitnessedLogRecord[]>;
  put(record: WitnessedLogRecord): Promise<void>;
  /** Stores a cosignature (replacing the same witness's for the same size). */
  addCosignature(record: ReceivedCosignatureRecord): Promise<void>;
  cosignaturesAt(size: number): Promise<ReceivedCosignatureRecord[]>;
  /** Each witness's cosignature of the largest checkpoint it cosigned. */
  latestCosignatures(): Promise<ReceivedCosignatureRecord[]>;
  /** The largest size of this node's checkpoints that has a cosignature and is at least `minSize`. */
  largestCosignedSize(minSize: number): Promise<number | undefined>;
  /** This node's own checkpoint of exactly this size (read-only, from the log's checkpoints). */
  checkpointAt(size: number): Promise<CheckpointRecord | undefined>;
  /** Records evidence unless the same pair of checkpoints is recorded already; true if new. */
  addFork(record: ForkEvidenceRecord, pair: string): Promise<boolean>;
  forks(): Promise<ForkEvidenceRecord[]>;
}
