import { createPublicKey } from 'node:crypto';
import {
  consistencyProofPlan,
  ed25519NoteSigner,
  encodeLogEntry,
  envelopeHash,
  foldSubtrees,
  inclusionProofPlan,
  LOG_ENTRIES_PAGE,
  leafHash as hashLeaf,
  logEntrySubject,
  logOrigin,
  MerkleError,
  nodeHash,
  parseCheckpoint,
  parseNote,
  perfectSubtrees,
  rawPublicKey,
  signCheckpoint,
  verifyConsistency,
  type LogEntry,
} from '@parley/protocol';
import { invalid, notFound } from '../errors.js';
import type { DomainContext, NodeSelf } from './context.js';
import type { CheckpointRecord, InboxRecord, LogEntryRecord, LogHead, LogNode, OutboxRecord, Store } from './ports.js';

/*
 * The node's transparency log: an RFC 9162 Merkle tree over one entry per envelope sent or
 * accepted and per receipt issued or received. Entries are appended in the transaction that
 * records the event, so the event and its entry commit together or not at all. The store keeps
 * every perfect-subtree hash once the log has grown past it, so roots and proofs for any size
 * take one query of O(log n) rows.
 */

// ---- appending -----------------------------------------------------------------------------

/**
 * Extends the tree by some leaves: returns the interior subtree hashes they complete and the
 * new head. Like a binary counter, each leaf that fills a right child completes its parent.
 */
export function extendLog(head: LogHead, leafHashes: readonly Buffer[]): { nodes: LogNode[]; head: LogHead } {
  const levels = perfectSubtrees(0, head.size).map((n) => n.level);
  const stack = head.frontier.map((hash, i) => ({ level: levels[i] as number, hash }));
  if (stack.length !== levels.length) throw new Error(`log head of size ${head.size} has ${stack.length} frontier hashes, expected ${levels.length}`);
  const nodes: LogNode[] = [];
  let size = head.size;
  for (const leaf of leafHashes) {
    stack.push({ level: 0, hash: leaf });
    let index = size;
    for (let top = stack.length - 1; top > 0 && stack[top]!.level === stack[top - 1]!.level; top--) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      index = Math.floor(index / 2);
      const node = { level: left.level + 1, index, hash: nodeHash(left.hash, right.hash) };
      nodes.push(node);
      stack.push(node);
    }
    size++;
  }
  return { nodes, head: { size, frontier: stack.map((s) => s.hash) } };
}

/** The root of the tree a head describes. */
export const headRoot = (head: LogHead): Buffer => foldSubtrees(head.frontier);

/**
 * Thrown by a transaction whose log append started from a head that had moved meanwhile (see
 * `appendToLog`'s `unlocked`): nothing of it was committed, and it can be tried again with the
 * head locked.
 */
export class LogHeadMoved extends Error {
  constructor() {
    super('the transparency log grew while this transaction appended to it; nothing was written');
  }
}

/**
 * Appends entries to the log in the caller's transaction (one is opened if `tx` is not in
 * one). The log's lock is held until that transaction ends, so call this late in it.
 * Returns the index of the first entry and the size of the log after them.
 *
 * With `unlocked`, it starts from the head this process last committed, when it has one, instead
 * of reading and locking it first, and so costs no round trip to the database: the write then
 * succeeds only if the head has not moved (`LogRepo.write`), and otherwise fails its whole
 * transaction with `LogHeadMoved`, for the caller to run again without `unlocked`. For a caller
 * that appends often and can run its transaction again: the inbox.
 */
export async function appendToLog(tx: Store, ctx: Pick<DomainContext, 'now'>, entries: readonly LogEntry[], { unlocked = false }: { unlocked?: boolean } = {}): Promise<{ first: number; size: number }> {
  // Hashing before taking the lock keeps the time others wait for it short.
  const createdAt = ctx.now();
  const prepared = entries.map((entry) => {
    const data = encodeLogEntry(entry);
    return { kind: entry.kind, hash: logEntrySubject(entry), data, leafHash: hashLeaf(data), createdAt };
  });
  return tx.transaction(async (t) => {
    const head = (unlocked ? t.log.cachedHead() : undefined) ?? (await t.log.lockHead());
    if (prepared.length === 0) return { first: head.size, size: head.size };
    const next = extendLog(
      head,
      prepared.map((p) => p.leafHash),
    );
    const records: LogEntryRecord[] = prepared.map((p, i) => ({ ...p, index: head.size + i }));
    // Nothing needs its answer: the transaction's COMMIT follows it and succeeds only if it did.
    t.sent(() => t.log.write({ entries: records, nodes: next.nodes, head: next.head }));
    return { first: head.size, size: next.head.size };
  });
}

function selfOf(ctx: DomainContext): NodeSelf {
  if (!ctx.self) throw new Error('this process has no node key; the log is kept only by a running node');
  return ctx.self;
}

/** Logs an envelope this node has just signed and queued (call it where `enqueue` writes the outbox). */
export async function logSent(tx: Store, ctx: DomainContext, message: OutboxRecord): Promise<void> {
  const self = selfOf(ctx);
  await appendToLog(tx, ctx, [
    { kind: 'envelope.sent', hash: message.hash, sender: self.stateCode, recipient: message.recipient, type: message.type, at: message.createdAt.toISOString() },
  ]);
}

/**
 * Logs envelopes this node accepted and the receipts it signed for them, in one append (call it
 * once their inbox rows are written). Nothing to log takes no lock; `unlocked` is `appendToLog`'s.
 */
export async function logReceived(tx: Store, ctx: DomainContext, messages: readonly InboxRecord[], options: { unlocked?: boolean } = {}): Promise<void> {
  if (messages.length === 0) return;
  const self = selfOf(ctx);
  await appendToLog(
    tx,
    ctx,
    messages.flatMap((message): LogEntry[] => {
      const at = message.receivedAt.toISOString();
      return [
        { kind: 'envelope.received', hash: message.hash, sender: message.sender, recipient: self.stateCode, type: message.type, at },
        { kind: 'receipt.issued', hash: envelopeHash(message.receipt), envelope: message.hash, sender: message.sender, receiver: self.stateCode, at },
      ];
    }),
    options,
  );
}

/**
 * Logs the verified receipts peers returned for envelopes this node sent, in one append (call it
 * where the deliveries are marked). Nothing to log takes no lock.
 */
export async function logDelivered(tx: Store, ctx: DomainContext, deliveries: readonly { message: OutboxRecord; receipt: string }[]): Promise<void> {
  if (deliveries.length === 0) return;
  const self = selfOf(ctx);
  const at = ctx.now().toISOString();
  await appendToLog(
    tx,
    ctx,
    deliveries.map(({ message, receipt }): LogEntry => ({ kind: 'receipt.received', hash: envelopeHash(receipt), envelope: message.hash, sender: self.stateCode, receiver: message.recipient, at })),
  );
}

// ---- reading and proving -------------------------------------------------------------------

async function sizeWithin(store: Store, size: number): Promise<void> {
  const head = await store.log.head();
  if (size > head.size) throw invalid('size_beyond_log', `The log has ${head.size} entries; there is no tree of size ${size}.`);
}

/** RFC 9162 inclusion proof of entry `index` in the tree of the first `size` entries. */
export async function proveInclusion(store: Store, index: number, size: number): Promise<{ leafHash: Buffer; proof: Buffer[] }> {
  if (index >= size) throw invalid('index_beyond_size', `Entry ${index} is not in a tree of ${size} entries; the index must be below the size.`);
  await sizeWithin(store, size);
  const plan = inclusionProofPlan(index, size);
  const [leafHash, ...hashes] = await store.log.subtreeHashes([{ level: 0, index }, ...plan.nodes]);
  return { leafHash: leafHash!, proof: plan.assemble(hashes) };
}

/** RFC 9162 consistency proof from the tree of `oldSize` entries to that of `newSize`, with the old root. */
export async function proveConsistency(store: Store, oldSize: number, newSize: number): Promise<{ oldRoot: Buffer; proof: Buffer[] }> {
  if (oldSize > newSize) throw invalid('old_beyond_new', `The old size (${oldSize}) must not exceed the new size (${newSize}).`);
  if (oldSize === 0) throw invalid('old_size_zero', 'Every tree is consistent with the empty tree; a consistency proof starts from a size of at least 1.');
  await sizeWithin(store, newSize);
  const plan = consistencyProofPlan(oldSize, newSize);
  const old = perfectSubtrees(0, oldSize);
  const hashes = await store.log.subtreeHashes([...plan.nodes, ...old]);
  return { proof: plan.assemble(hashes.slice(0, plan.nodes.length)), oldRoot: foldSubtrees(hashes.slice(plan.nodes.length)) };
}

/** The root of the tree of the first `size` entries. */
export async function rootAt(store: Store, size: number): Promise<Buffer> {
  await sizeWithin(store, size);
  return foldSubtrees(await store.log.subtreeHashes(perfectSubtrees(0, size)));
}

/** At most one page of entries from `start`, ending before `end` and before the end of the log. */
export async function readLogEntries(store: Store, start: number, end: number): Promise<LogEntryRecord[]> {
  if (end <= start) throw invalid('empty_range', `The range ${start}..${end} is empty: end is exclusive and must exceed start.`);
  const head = await store.log.head();
  if (start >= head.size) throw invalid('start_beyond_log', `The log has ${head.size} entries; there is no entry ${start}.`);
  return store.log.entries(start, Math.min(end, head.size, start + LOG_ENTRIES_PAGE));
}

/** The latest signed checkpoint, as served. */
export async function latestCheckpoint(store: Store): Promise<CheckpointRecord> {
  const checkpoint = await store.log.latestCheckpoint();
  if (!checkpoint) throw notFound('no_checkpoint', 'This node has not signed a checkpoint of its log yet. Try again in a few seconds.');
  return checkpoint;
}

// ---- checkpoints ---------------------------------------------------------------------------

/** Fixes the log's origin the first time a node runs, from its state and key at that time. */
export async function claimLogOrigin(ctx: DomainContext): Promise<string> {
  const self = selfOf(ctx);
  return ctx.store.log.claimOrigin(logOrigin(self.stateCode, rawPublicKey(createPublicKey(self.privateKey))));
}

/**
 * The stored tree does not extend the last checkpoint this node signed. Signing anything now
 * would publish a fork: the node must stop signing and an administrator must look.
 */
export class LogInconsistencyError extends Error {
  override readonly name = 'LogInconsistencyError';
  constructor(
    readonly checkpoint: { size: number; root: string },
    readonly head: { size: number; root: string },
    reason: string,
  ) {
    super(`the log of size ${head.size} is not consistent with the checkpoint of size ${checkpoint.size} this node signed: ${reason}`);
  }
}

/** Checks that a stored checkpoint row says what its signed note says. */
function checkStored(last: CheckpointRecord): void {
  const body = parseCheckpoint(parseNote(last.note).text);
  if (body.size !== last.size || !body.rootHash.equals(last.root)) throw new Error(`stored checkpoint ${last.size} does not match its signed note`);
}

/**
 * Signs a checkpoint of the log as it is now, unless it has not grown since the last one.
 * Before signing it proves, from the stored subtree hashes, that the tree extends the last
 * checkpoint; it throws `LogInconsistencyError` rather than sign a tree that does not.
 */
export async function signNextCheckpoint(ctx: DomainContext, origin: string): Promise<CheckpointRecord | undefined> {
  const self = selfOf(ctx);
  // One transaction: on PGlite it holds the single connection, so the few reads are not each
  // queued behind a batch of appends; appenders are not blocked, as nothing here locks the head.
  return ctx.store.transaction(async (store) => {
    const [head, last] = await Promise.all([store.log.head(), store.log.latestCheckpoint()]);
    const root = headRoot(head);
    if (last) {
      checkStored(last);
      const fork = (reason: string) =>
        new LogInconsistencyError({ size: last.size, root: last.root.toString('base64') }, { size: head.size, root: root.toString('base64') }, reason);
      if (head.size < last.size) throw fork('the log is smaller than the checkpoint');
      if (head.size === last.size) {
        if (!root.equals(last.root)) throw fork('same size, different root');
        return undefined;
      }
      if (last.size > 0) {
        // A failure to read is not a fork and is thrown as it is; either way nothing is signed.
        const { proof, oldRoot } = await proveConsistency(store, last.size, head.size);
        if (!oldRoot.equals(last.root)) throw fork('the stored tree at the checkpoint size has another root');
        try {
          verifyConsistency(last.size, head.size, proof, last.root, root);
        } catch (e) {
          if (e instanceof MerkleError) throw fork(e.message);
          throw e;
        }
      }
    }
    const note = signCheckpoint({ origin, size: head.size, rootHash: root, extensions: [] }, [ed25519NoteSigner(origin, self.privateKey)]);
    const checkpoint: CheckpointRecord = { size: head.size, root, note, createdAt: ctx.now() };
    await store.log.addCheckpoint(checkpoint);
    return checkpoint;
  });
}
