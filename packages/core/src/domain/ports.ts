import type { EvidenceRepo } from './evidence-ports.js';
import type { ConsultationRepo, LegalBasisRepo } from './consultation-ports.js';
import type { ProofRepo } from './proof-ports.js';
import type { Role } from '../api/fields.js';
import type { NormRepo } from '../norms/ports.js';
import type { WitnessRepo } from './witness-ports.js';
import type { MailRepo } from './mail-ports.js';
import type { LogEntryKind } from '@parley/protocol';
import type { ContactKind } from '../api/schemas.js';

/** Storage ports: the domain depends on these interfaces; packages/store implements them. */

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'active' | 'disabled' | 'invited';
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SetupLinkRecord {
  tokenHash: string;
  purpose: 'first-admin' | 'invite' | 'reset';
  userId: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface ContactRecord {
  id: string;
  kind: ContactKind;
  name: string;
  organisation: string;
  position: string;
  email: string;
  phone: string;
  languages: string[];
  timeZone: string;
  hours: string;
  available24x7: boolean;
  status: 'active' | 'retired';
  version: number;
  createdAt: Date;
  updatedAt: Date;
  retiredAt: Date | null;
  /** When a person behind this contact last confirmed a communication check; cleared by any change. */
  verifiedAt: Date | null;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface UserRepo {
  insert(user: UserRecord): Promise<void>;
  byId(id: string): Promise<UserRecord | undefined>;
  byEmail(email: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  update(user: UserRecord): Promise<void>;
  countActiveAdmins(): Promise<number>;
}

export interface SessionRepo {
  insert(session: SessionRecord): Promise<void>;
  byHash(idHash: string): Promise<SessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
  deleteExpired(now: Date): Promise<void>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  byHash(tokenHash: string): Promise<TokenRecord | undefined>;
  byId(id: string): Promise<TokenRecord | undefined>;
  listForUser(userId: string): Promise<TokenRecord[]>;
  markUsed(id: string, at: Date): Promise<void>;
  revoke(id: string, at: Date): Promise<void>;
  /** Revokes every token of a person still in force; how many. */
  revokeForUser(userId: string, at: Date): Promise<number>;
}

/** Attempts counted under a key within a window that ends at `expiresAt`. */
export interface AttemptCount {
  points: number;
  expiresAt: Date;
}

/** Attempts counted per key in fixed windows, kept in the store so that a restart forgets none. */
export interface AttemptRepo {
  /**
   * Adds `points` (fewer than none gives some back) to the key's count, in one atomic step, and
   * returns the count. A key not counted, or whose window has ended, starts a window of `windowMs` at `now`.
   */
  add(keyHash: string, points: number, windowMs: number, now: Date): Promise<AttemptCount>;
  /** The counts of those keys whose window has not ended at `now`. */
  current(keyHashes: readonly string[], now: Date): Promise<Map<string, AttemptCount>>;
  /** Forgets the key; whether it was counted. */
  delete(keyHash: string): Promise<boolean>;
  deleteExpired(now: Date): Promise<void>;
}

export interface SetupLinkRepo {
  insert(link: SetupLinkRecord): Promise<void>;
  byHash(tokenHash: string): Promise<SetupLinkRecord | undefined>;
  markUsed(tokenHash: string, at: Date): Promise<boolean>;
  /** Invalidates every unused link of a purpose (and user, when given). */
  expireUnused(purpose: SetupLinkRecord['purpose'], userId: string | null, at: Date): Promise<void>;
}

export interface ContactRepo {
  insert(contact: ContactRecord): Promise<void>;
  byId(id: string): Promise<ContactRecord | undefined>;
  list(status: 'active' | 'retired' | 'all'): Promise<ContactRecord[]>;
  /** Writes the record if the stored version is `expectedVersion`; false when someone else got there first. */
  update(contact: ContactRecord, expectedVersion: number): Promise<boolean>;
}

export interface AuditRepo {
  append(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  list(filter: { entityType?: string | undefined; entityId?: string | undefined; limit: number }): Promise<AuditRecord[]>;
}

export interface PeerRecord {
  stateCode: string;
  name: string;
  url: string;
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
  fingerprint: string;
  isTestState: boolean;
  status: 'trusted' | 'suspended';
  addedAt: Date;
  updatedAt: Date;
}

export interface PeerRepo {
  upsert(peer: PeerRecord): Promise<void>;
  byState(stateCode: string): Promise<PeerRecord | undefined>;
  list(): Promise<PeerRecord[]>;
  remove(stateCode: string): Promise<boolean>;
  /** Keeps every key a peer has used, so that its older signatures stay checkable. */
  addKey(stateCode: string, key: { fingerprint: string; publicKey: string; validFrom: Date }): Promise<void>;
  retireKeys(stateCode: string, exceptFingerprint: string, at: Date): Promise<void>;
  keys(stateCode: string): Promise<{ fingerprint: string; publicKey: string; validFrom: Date; validUntil: Date | null }[]>;
  /** The peer one of whose keys, current or retired, has this fingerprint. */
  stateOfKey(fingerprint: string): Promise<string | undefined>;
}

export interface OutboxRecord {
  id: string;
  recipient: string;
  type: string;
  thread: string | null;
  jws: string;
  hash: string;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  receipt: string | null;
  /** When this node gave the message up; on a message delivered, that its receipt came only afterwards. */
  givenUpAt: Date | null;
}

export interface OutboxRepo {
  insert(message: OutboxRecord): Promise<void>;
  byId(id: string): Promise<OutboxRecord | undefined>;
  /** Queued messages whose next attempt is due, oldest first, at most `limit`, excluding `busy` ids. */
  due(now: Date, limit: number, busy: string[]): Promise<OutboxRecord[]>;
  /**
   * Records the receipt, also of a message given up meanwhile (which keeps its reason and
   * `givenUpAt`, so that it shows it was delivered after it was given up); returns the message as
   * now stored.
   */
  markDelivered(id: string, at: Date, receipt: string): Promise<OutboxRecord | undefined>;
  markRetry(id: string, attempts: number, next: Date, error: string): Promise<void>;
  /** Gives a queued message up; false when it was no longer queued (delivered, or given up already), so its senders are told once. */
  markFailed(id: string, attempts: number, error: string, at: Date): Promise<boolean>;
  /** Gives up every message still queued for `recipient`, with `error` as the reason; returns them. */
  failQueued(recipient: string, error: string, at: Date): Promise<OutboxRecord[]>;
  /** Makes every message queued for `recipient` due at `at`, whatever its backoff; returns how many were due later. */
  retryNow(recipient: string, at: Date): Promise<number>;
  /** How many messages are queued for each recipient that has any. */
  queuedCounts(): Promise<Map<string, number>>;
  list(filter: { recipient?: string | undefined; status?: OutboxRecord['status'] | undefined; limit: number }): Promise<OutboxRecord[]>;
  nextDue(): Promise<Date | undefined>;
}

export interface InboxRecord {
  id: string;
  hash: string;
  sender: string;
  type: string;
  thread: string | null;
  prev: string | null;
  jws: string;
  receivedAt: Date;
  receipt: string;
  appliedAt: Date | null;
  applyError: string | null;
}

export interface InboxRepo {
  /**
   * Records envelopes in one statement. If one with the same id or hash is already there the
   * statement fails, and so does its transaction, with `AlreadyReceived`.
   */
  insert(messages: readonly InboxRecord[]): Promise<void>;
  byHash(hash: string): Promise<InboxRecord | undefined>;
  /** Envelopes already received with this hash or this id (at most two). */
  byHashOrId(hash: string, id: string): Promise<InboxRecord[]>;
  /** Envelopes already received with any of these hashes or ids: one query for a batch. */
  byHashesOrIds(hashes: readonly string[], ids: readonly string[]): Promise<InboxRecord[]>;
  /** Envelopes held back until the one with hash `prev` has been applied. */
  waitingOn(prev: string): Promise<InboxRecord[]>;
  markApplied(hash: string, at: Date, error: string | null): Promise<void>;
  /** Whether a message with this hash is part of this node's record: sent, or received and applied. */
  isSettled(hash: string): Promise<boolean>;
  /** The hash of the latest message of a thread sent to or received from `peer`; a thread is between two states. */
  lastInThread(thread: string, peer: string): Promise<string | undefined>;
}

export interface PeerDirectoryRecord {
  stateCode: string;
  publishedAt: Date;
  receivedAt: Date;
  contacts: unknown[];
  envelopeHash: string;
}

export interface PeerDirectoryRepo {
  /** Stores a peer's directory unless a newer one is already held; true when stored. */
  put(record: PeerDirectoryRecord): Promise<boolean>;
  list(): Promise<PeerDirectoryRecord[]>;
}

export interface CheckRecord {
  id: string;
  direction: 'outgoing' | 'incoming';
  peer: string;
  startedBy: string;
  startedAt: Date;
  deadline: Date;
  /** What the starting officer wrote to the receiving state, if anything. */
  note: string;
  deliveredAt: Date | null;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  confirmedContact: string | null;
}

export interface CheckRepo {
  insert(check: CheckRecord): Promise<void>;
  byId(id: string): Promise<CheckRecord | undefined>;
  update(check: CheckRecord): Promise<void>;
  list(filter: { direction?: CheckRecord['direction'] | undefined; peer?: string | undefined; limit: number }): Promise<CheckRecord[]>;
}

export interface NotificationRecord {
  id: string;
  at: Date;
  /** A role whose members see it (`officer` reaches officers and administrators). */
  audience: 'officer' | 'admin';
  kind: string;
  message: string;
  link: string | null;
  readAt: Date | null;
}

export interface NotificationRepo {
  add(n: Omit<NotificationRecord, 'id' | 'readAt'>): Promise<void>;
  list(audiences: string[], limit: number): Promise<NotificationRecord[]>;
}

/** One leaf of the transparency log: the exact leaf data, its RFC 9162 leaf hash, and columns to find it by. */
export interface LogEntryRecord {
  index: number;
  kind: LogEntryKind;
  /** The hash the entry is about (an envelope's or a receipt's), `sha256:…`. */
  hash: string;
  /** The leaf data: RFC 8785 canonical JSON, UTF-8. */
  data: Buffer;
  leafHash: Buffer;
  createdAt: Date;
}

/** Where the log ends: its size and the hashes of the perfect subtrees covering it, largest first. */
export interface LogHead {
  size: number;
  frontier: Buffer[];
}

/** A perfect subtree hash: 2^level leaves starting at index * 2^level (level 0 are leaves). */
export interface LogNode {
  level: number;
  index: number;
  hash: Buffer;
}

export interface CheckpointRecord {
  size: number;
  root: Buffer;
  /** The signed note as served. */
  note: string;
  createdAt: Date;
}

export interface LogRepo {
  /**
   * Reads the head and locks it until the transaction ends, so that appends are serialised
   * and each sees the head the previous one wrote. Only meaningful inside a transaction.
   */
  lockHead(): Promise<LogHead>;
  /**
   * The head as this process last committed or read it, without asking the database: it is
   * current unless something else has appended since. Nothing locks it: an append that starts
   * from it is checked by `write`, which fails with `LogHeadMoved` if the head has moved.
   */
  cachedHead(): LogHead | undefined;
  /**
   * Writes appended entries, the interior subtree hashes they complete, and the new head, only
   * if the head is still at the first entry's index: otherwise the statement, and so its
   * transaction, fails with `LogHeadMoved` and nothing of it is written.
   */
  write(append: { entries: LogEntryRecord[]; nodes: LogNode[]; head: LogHead }): Promise<void>;
  head(): Promise<LogHead>;
  /** Subtree hashes in the order asked; throws if one is missing, which means the log is damaged. */
  subtreeHashes(nodes: readonly { level: number; index: number }[]): Promise<Buffer[]>;
  /** Entries with start <= index < end, in order. */
  entries(start: number, end: number): Promise<LogEntryRecord[]>;
  find(kind: LogEntryKind, hash: string): Promise<LogEntryRecord | undefined>;
  /** The log's origin, fixed by the first caller; returns the one stored. */
  claimOrigin(origin: string): Promise<string>;
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  addCheckpoint(checkpoint: CheckpointRecord): Promise<void>;
}

export interface Store {
  readonly engine: 'pglite' | 'postgres';
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly tokens: TokenRepo;
  readonly setupLinks: SetupLinkRepo;
  readonly signInAttempts: AttemptRepo;
  readonly contacts: ContactRepo;
  readonly audit: AuditRepo;
  readonly peers: PeerRepo;
  readonly outbox: OutboxRepo;
  readonly inbox: InboxRepo;
  readonly peerDirectories: PeerDirectoryRepo;
  readonly checks: CheckRepo;
  readonly notifications: NotificationRepo;
  readonly log: LogRepo;
  readonly proofs: ProofRepo;
  readonly witness: WitnessRepo;
  readonly consultations: ConsultationRepo;
  readonly legalBases: LegalBasisRepo;
  readonly evidence: EvidenceRepo;
  readonly norms: NormRepo;
  readonly mail: MailRepo;
  /**
   * Runs `fn` in one database transaction; everything written through `tx` commits or none of it.
   * Statements are sent in the order they are asked for, whether or not `fn` waits for each, and
   * COMMIT follows the last of them once `fn` returns: so `fn` makes its decisions before it
   * returns, and the transaction fails if any statement did, waited for or not.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: sends the one statement `issue` asks for without waiting for its answer,
   * for a write whose answer nothing needs: `tx.sent(() => tx.repo.write(...))`. It still runs in
   * order, and if it fails the transaction fails; not waiting saves the round trip. Throws outside
   * a transaction, where its failure would go unseen, and when `issue` sends nothing at once (it
   * waited for something first, so its statement could come after COMMIT).
   */
  sent(issue: () => Promise<unknown>): void;
  /** Inside a transaction: whether it has queued an outbound message or an evidence record, so the sender and fetcher have work. */
  hasQueued(): boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}
