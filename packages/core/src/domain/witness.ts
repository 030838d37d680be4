import { createHash, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import {
  cosignatureTimestamp,
  cosignCheckpoint,
  ed25519CosignatureVerifier,
  ed25519Cosigner,
  ed25519NoteVerifier,
  LOG_PATHS,
  MerkleError,
  NoteError,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  rawPublicKey,
  verifyConsistency,
  WITNESS_PATHS,
  witnessName,
  witnessVerifierKey,
  type Checkpoint,
  type DiscoveryDocument,
  type NoteVerifier,
  type OpenedCheckpoint,
  type WitnessedDocument,
} from '@parley/protocol';
import { notFound } from '../errors.js';
import { assertMay } from './audit.js';
import type { DomainContext, NodeSelf } from './context.js';
import { notify } from './federation.js';
import type { Actor } from './policies.js';
import type { CheckpointRecord, PeerRecord, Store } from './ports.js';
import type { ForkEvidenceRecord, ReceivedCosignatureRecord, SeenCheckpoint, WitnessedLogRecord, WitnessStatus } from './witness-ports.js';

/*
 * Witnessing (protocol §9.5). Each node, in a background loop, fetches every trusted peer's
 * checkpoint, verifies the peer's log signature with the keys it holds for that peer (trusted
 * through the fingerprint exchanged out of band), checks by a consistency proof that it extends
 * the last checkpoint it witnessed of that log, and cosigns it. It also reads what its other
 * peers witnessed, so a log that shows two peers two histories is caught: both signed
 * checkpoints are kept as evidence and the administrators are told. Finally it collects the
 * cosignatures its peers gave its own checkpoints, so its checkpoints can be served cosigned.
 */

// ---- what a witness fetches --------------------------------------------------------------

/** A peer could not be asked, or did not answer as a Parley node does. Never a sign of a fork by itself. */
export class WitnessFetchError extends Error {
  override readonly name = 'WitnessFetchError';
  constructor(
    message: string,
    /** The HTTP status of a refusal, if the peer answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The requests a witness makes to a peer; the server implements it over HTTP with time and size limits. */
export interface WitnessTransport {
  discovery(baseUrl: string): Promise<DiscoveryDocument>;
  checkpoint(baseUrl: string): Promise<string>;
  consistency(baseUrl: string, oldSize: number, newSize: number): Promise<{ oldRoot: Buffer; proof: Buffer[] }>;
  witnessed(baseUrl: string): Promise<WitnessedDocument>;
  /** The peer's cosigned copy of log `origin`, or undefined if it has none. */
  cosignature(baseUrl: string, origin: string): Promise<string | undefined>;
}

// ---- identities and keys -----------------------------------------------------------------

function selfOf(ctx: DomainContext): NodeSelf {
  if (!ctx.self) throw new Error('this process has no node key; only a running node witnesses');
  return ctx.self;
}

/** The name and C2SP verifier key this node cosigns under. */
export function witnessIdentity(ctx: DomainContext, ownOrigin: string): { name: string; verifierKey: string } {
  const key = createPublicKey(selfOf(ctx).privateKey);
  return { name: witnessName(ownOrigin), verifierKey: witnessVerifierKey(ownOrigin, key) };
}

/** Every key a peer has held: its current one and those it rotated away from, which signed older checkpoints. */
async function peerKeys(store: Store, peer: PeerRecord): Promise<Buffer[]> {
  const keys = new Set([peer.publicKey, ...(await store.peers.keys(peer.stateCode)).map((k) => k.publicKey)]);
  return [...keys].map((k) => Buffer.from(k, 'base64url'));
}

/** This node's log keys: the current one first, then earlier ones. */
function ownKeys(self: NodeSelf): Buffer[] {
  return [self.privateKey, ...self.previousKeys.values()].map((k: KeyObject) => rawPublicKey(createPublicKey(k)));
}

/**
 * Opens a checkpoint of log `origin` signed by one of `keys`; cosignatures by `cosigners` are
 * checked too. Throws the most telling `NoteError` when no key verifies it.
 */
function openWithKeys(note: string, origin: string, keys: readonly Buffer[], cosigners: readonly NoteVerifier[] = []): OpenedCheckpoint {
  let failure: unknown = new NoteError('no_trusted_signature', 'no key is known for this log');
  for (const key of keys) {
    try {
      return openCheckpoint(note, { origin, log: ed25519NoteVerifier(origin, key), cosigners });
    } catch (e) {
      if (!(e instanceof NoteError)) throw e;
      // A signature that fails under a key that did sign says more than "not signed by this key".
      if (!(failure instanceof NoteError && failure.code === 'invalid_signature')) failure = e;
    }
  }
  throw failure;
}

/** Whether `note` is a checkpoint of `origin` signed by one of `keys`; what it commits to if so. */
function tryOpen(note: string, origin: string, keys: readonly Buffer[]): Checkpoint | undefined {
  try {
    return openWithKeys(note, origin, keys).checkpoint;
  } catch (e) {
    if (e instanceof NoteError) return undefined;
    throw e;
  }
}

/** The checkpoint body and the log's own signature lines: what the log signed, without anyone's cosignatures. */
function asSignedByLog(opened: OpenedCheckpoint): string {
  const line = formatSignatureLine(opened.logSignature.name, opened.logSignature.keyId, opened.logSignature.signature);
  return `${opened.text}\n${line}`;
}

function formatSignatureLine(name: string, keyId: number, signature: Buffer): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId, 0);
  return `\u2014 ${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

const bodyOf = (note: string) => parseNote(note).text;

// ---- evidence ----------------------------------------------------------------------------

/** Same pair of checkpoints, in either order and from wherever, is recorded once. */
function pairKey(origin: string, a: string, b: string): string {
  const [x, y] = [bodyOf(a), bodyOf(b)].sort();
  return createHash('sha256').update(`${origin}\n${x}\n${y}`).digest('hex');
}

/** Pairs of contradicting checkpoints kept per log; more prove nothing new. */
export const MAX_FORKS_PER_LOG = 20;

async function recordFork(
  ctx: DomainContext,
  input: { origin: string; stateCode: string; reason: string; first: SeenCheckpoint; second: SeenCheckpoint },
): Promise<boolean> {
  const now = ctx.now();
  const evidence: ForkEvidenceRecord = { id: randomUUID(), ...input, detectedAt: now };
  return ctx.store.transaction(async (tx) => {
    const earlier = (await tx.witness.forks()).filter((f) => f.origin === input.origin).length;
    // A log that goes on forking would otherwise add a pair at every round; a few prove it.
    if (earlier >= MAX_FORKS_PER_LOG) return false;
    const added = await tx.witness.addFork(evidence, pairKey(input.origin, input.first.checkpoint, input.second.checkpoint));
    // Told once per log: later pairs add to the evidence on the page, not to the notifications.
    if (added && earlier === 0) {
      const whose = input.stateCode === selfOf(ctx).stateCode ? 'this node’s own log' : `the log of ${input.stateCode}`;
      await notify(
        tx,
        ctx,
        'admin',
        'log.fork',
        `Two checkpoints of ${whose} (${input.origin}), both validly signed, contradict each other: ${input.reason}. This means the log showed different histories to different parties. Both checkpoints are kept as evidence; download them from the witnessing page and raise it with ${input.stateCode}.`,
        '/log-witness',
      );
    }
    return added;
  });
}

/** Verifies, with a proof from the log, that checkpoint `b` extends `a`; undefined when it does, else why not. */
async function proveExtends(transport: WitnessTransport, url: string, a: Checkpoint, b: Checkpoint): Promise<string | undefined> {
  if (a.size === b.size) return a.rootHash.equals(b.rootHash) ? undefined : `both have ${a.size} entries but different root hashes`;
  const [older, newer] = a.size < b.size ? [a, b] : [b, a];
  if (older.size === 0) return undefined;
  let proof: { oldRoot: Buffer; proof: Buffer[] };
  try {
    proof = await transport.consistency(url, older.size, newer.size);
  } catch (e) {
    // A log that refuses to prove consistency between two sizes it signed cannot be checked;
    // only a refusal by the log itself is evidence, never an unreachable node.
    if (e instanceof WitnessFetchError && e.status !== undefined && e.status >= 400 && e.status < 500) {
      return `the log refused to prove that its tree of ${newer.size} entries extends its tree of ${older.size} (${e.message})`;
    }
    throw e;
  }
  try {
    verifyConsistency(older.size, newer.size, proof.proof, older.rootHash, newer.rootHash);
    return undefined;
  } catch (e) {
    if (e instanceof MerkleError) return `the log's consistency proof from ${older.size} to ${newer.size} entries does not hold (${e.message})`;
    throw e;
  }
}

// ---- witnessing one peer ----------------------------------------------------------------

const sourceOf = (peer: PeerRecord, path: string) => `${peer.stateCode} ${peer.url}${path}`;

/** How long to wait before asking a peer again after `failures` failed attempts in a row. */
export function witnessBackoffMs(failures: number, intervalMs: number, maxMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 30));
}

const FAILING: readonly WitnessStatus[] = ['unreachable', 'proof_unavailable'];
const REFUSING: readonly WitnessStatus[] = ['bad_signature', 'malformed', 'rollback', 'origin_changed', 'inconsistent'];

async function settle(ctx: DomainContext, before: WitnessedLogRecord | undefined, after: WitnessedLogRecord): Promise<WitnessedLogRecord> {
  const next = { ...after, failures: FAILING.includes(after.status) ? (before?.failures ?? 0) + 1 : 0 };
  await ctx.store.transaction(async (tx) => {
    await tx.witness.put(next);
    // Told once per change into a refusal, not at every round that repeats it.
    if (REFUSING.includes(next.status) && next.status !== 'inconsistent' && before?.status !== next.status) {
      await notify(tx, ctx, 'admin', 'log.witness_refused', `This node refused a checkpoint from ${next.stateCode}: ${next.problem ?? next.status}`, '/log-witness');
    }
  });
  return next;
}

/**
 * One look at one peer's log: fetch its checkpoint, verify it, check it extends the last one
 * witnessed, and if so store and cosign it. Every outcome is recorded on the peer's row.
 */
export async function witnessPeer(ctx: DomainContext, transport: WitnessTransport, peer: PeerRecord, ownOrigin: string): Promise<WitnessedLogRecord> {
  const self = selfOf(ctx);
  const before = await ctx.store.witness.get(peer.stateCode);
  const now = ctx.now();
  const base: WitnessedLogRecord = before ?? {
    stateCode: peer.stateCode,
    origin: null,
    size: null,
    root: null,
    checkpoint: null,
    cosigned: null,
    witnessedAt: null,
    checkedAt: now,
    status: 'pending',
    problem: null,
    refused: null,
    failures: 0,
  };
  const outcome = (status: WitnessStatus, problem: string | null, refused: string | null = base.refused) =>
    settle(ctx, before, { ...base, checkedAt: now, status, problem, refused });

  let origin = base.origin;
  let note: string;
  try {
    if (origin === null) {
      const document = await transport.discovery(peer.url);
      if (!document.log) return outcome('malformed', `${peer.stateCode} does not publish a transparency log in its discovery document.`);
      if (document.stateCode !== peer.stateCode) return outcome('malformed', `${peer.url} now presents itself as ${document.stateCode}, not ${peer.stateCode}.`);
      origin = document.log.origin;
    }
    note = await transport.checkpoint(peer.url);
  } catch (e) {
    if (e instanceof WitnessFetchError) return outcome('unreachable', e.message);
    throw e;
  }

  let opened: OpenedCheckpoint;
  try {
    opened = openWithKeys(note, origin, await peerKeys(ctx.store, peer));
  } catch (e) {
    if (!(e instanceof NoteError)) throw e;
    if (e.code === 'wrong_origin') {
      return outcome('origin_changed', `${peer.stateCode}'s checkpoint names another log than ${origin}, the one this node witnesses (${e.message}).`, note);
    }
    if (e.code === 'malformed_note' || e.code === 'malformed_checkpoint') return outcome('malformed', `${peer.stateCode} served something that is not a checkpoint (${e.message}).`, note);
    return outcome('bad_signature', `${peer.stateCode}'s checkpoint is not validly signed by any key this node holds for ${peer.stateCode} (${e.message}). It was not accepted.`, note);
  }
  const fresh = opened.checkpoint;
  const signedByLog = asSignedByLog(opened);
  const seenNow: SeenCheckpoint = { checkpoint: signedByLog, source: sourceOf(peer, LOG_PATHS.checkpoint), seenAt: now };

  if (base.checkpoint !== null && base.size !== null && base.root !== null) {
    const previous = parseCheckpoint(bodyOf(base.checkpoint));
    const seenBefore: SeenCheckpoint = { checkpoint: base.checkpoint, source: sourceOf(peer, LOG_PATHS.checkpoint), seenAt: base.witnessedAt ?? base.checkedAt };
    let broken: string | undefined;
    try {
      broken = await proveExtends(transport, peer.url, previous, fresh);
    } catch (e) {
      if (e instanceof WitnessFetchError) return outcome('proof_unavailable', `Could not get a consistency proof from ${peer.stateCode}: ${e.message}`);
      throw e;
    }
    if (broken !== undefined) {
      await recordFork(ctx, { origin, stateCode: peer.stateCode, reason: broken, first: seenBefore, second: seenNow });
      return outcome('inconsistent', `${peer.stateCode}'s log contradicts the checkpoint of ${previous.size} entries this node witnessed before: ${broken}.`, signedByLog);
    }
    if (fresh.size < previous.size) {
      return outcome('rollback', `${peer.stateCode} served a checkpoint of ${fresh.size} entries after one of ${previous.size}: a log never shrinks, so it was not accepted.`, signedByLog);
    }
  }

  const cosigned = cosignCheckpoint(signedByLog, ed25519Cosigner(witnessName(ownOrigin), self.privateKey, Math.floor(now.getTime() / 1000)));
  return settle(ctx, before, {
    ...base,
    origin,
    size: fresh.size,
    root: fresh.rootHash,
    checkpoint: signedByLog,
    cosigned,
    witnessedAt: now,
    checkedAt: now,
    status: 'consistent',
    problem: null,
  });
}

// ---- comparing with what other peers witnessed -------------------------------------------

/** Pairs already proven consistent, so a round does not ask the same proof again. */
export type CheckedPairs = Set<string>;

/**
 * Compares what peer `from` says it witnessed with this node's own view: of each log this node
 * also witnesses, and of this node's own log. Checkpoints that do not verify under the log's
 * key are ignored (anyone can write those); two that verify and contradict are a fork.
 */
export async function crossCheck(
  ctx: DomainContext,
  transport: WitnessTransport,
  from: PeerRecord,
  document: WitnessedDocument,
  ownOrigin: string,
  checked: CheckedPairs = new Set(),
): Promise<number> {
  const self = selfOf(ctx);
  const now = ctx.now();
  const mine = new Map((await ctx.store.witness.list()).filter((r) => r.origin !== null && r.checkpoint !== null).map((r) => [r.origin as string, r]));
  let forks = 0;
  for (const view of document.logs) {
    const theirs: SeenCheckpoint = { checkpoint: view.checkpoint, source: `${from.stateCode} ${from.url}${WITNESS_PATHS.witnessed}`, seenAt: now };
    if (view.origin === ownOrigin) {
      const claimed = tryOpen(view.checkpoint, ownOrigin, ownKeys(self));
      if (!claimed) continue;
      const reason = await ownLogContradiction(ctx.store, claimed);
      if (!reason) continue;
      const latest = await ctx.store.log.latestCheckpoint();
      const ours = (await ctx.store.witness.checkpointAt(claimed.size)) ?? latest;
      if (!ours) continue;
      const first: SeenCheckpoint = { checkpoint: ours.note, source: `${self.stateCode} (this node's own checkpoints)`, seenAt: ours.createdAt };
      if (await recordFork(ctx, { origin: ownOrigin, stateCode: self.stateCode, reason, first, second: theirs })) forks++;
      continue;
    }
    const record = mine.get(view.origin);
    if (!record || record.checkpoint === null || record.stateCode === from.stateCode) continue;
    const peer = await ctx.store.peers.byState(record.stateCode);
    if (!peer) continue;
    const claimed = tryOpen(view.checkpoint, view.origin, await peerKeys(ctx.store, peer));
    if (!claimed) continue;
    const ours = parseCheckpoint(bodyOf(record.checkpoint));
    const key = [view.origin, ours.size, ours.rootHash.toString('base64'), claimed.size, claimed.rootHash.toString('base64')].join(' ');
    if (checked.has(key)) continue;
    let broken: string | undefined;
    try {
      broken = await proveExtends(transport, peer.url, ours, claimed);
    } catch (e) {
      if (e instanceof WitnessFetchError) continue;
      throw e;
    }
    if (broken === undefined) {
      checked.add(key);
      continue;
    }
    const first: SeenCheckpoint = { checkpoint: record.checkpoint, source: sourceOf(peer, LOG_PATHS.checkpoint), seenAt: record.witnessedAt ?? record.checkedAt };
    if (await recordFork(ctx, { origin: view.origin, stateCode: peer.stateCode, reason: `${broken}; the second was witnessed by ${from.stateCode}`, first, second: theirs })) forks++;
  }
  return forks;
}

/** Why a checkpoint signed with this node's log key is not one this node signed, if it is not. */
async function ownLogContradiction(store: Store, claimed: Checkpoint): Promise<string | undefined> {
  const signed = await store.witness.checkpointAt(claimed.size);
  if (signed) return signed.root.equals(claimed.rootHash) ? undefined : `both have ${claimed.size} entries but different root hashes, and only the first was signed by this node`;
  const latest = await store.log.latestCheckpoint();
  if (latest && claimed.size > latest.size) return `it claims ${claimed.size} entries, more than this log has ever had (${latest.size})`;
  return `this node never signed a checkpoint of ${claimed.size} entries, yet one signed with its log key is in circulation`;
}

// ---- collecting cosignatures of this node's own log -------------------------------------

/**
 * Fetches the cosignature `peer` made of this node's log, checks it against the checkpoint this
 * node signed at that size, and stores it. Returns the size cosigned, if any.
 */
export async function collectCosignature(ctx: DomainContext, transport: WitnessTransport, peer: PeerRecord, ownOrigin: string): Promise<number | undefined> {
  const self = selfOf(ctx);
  const record = await ctx.store.witness.get(peer.stateCode);
  if (!record?.origin) return undefined;
  const note = await transport.cosignature(peer.url, ownOrigin);
  if (note === undefined) return undefined;
  const name = witnessName(record.origin);
  const cosigners = (await peerKeys(ctx.store, peer)).map((k) => ed25519CosignatureVerifier(name, k));
  let opened: OpenedCheckpoint;
  try {
    opened = openWithKeys(note, ownOrigin, ownKeys(self), cosigners);
  } catch (e) {
    if (e instanceof NoteError) throw new WitnessFetchError(`${peer.stateCode}'s cosigned checkpoint of this log does not verify: ${e.message}`);
    throw e;
  }
  const cosig = opened.cosignatures.find((c) => c.name === name);
  if (!cosig) return undefined;
  const { size } = opened.checkpoint;
  const reason = await ownLogContradiction(ctx.store, opened.checkpoint);
  if (reason) {
    const latest = (await ctx.store.witness.checkpointAt(size)) ?? (await ctx.store.log.latestCheckpoint());
    if (latest) {
      await recordFork(ctx, {
        origin: ownOrigin,
        stateCode: self.stateCode,
        reason,
        first: { checkpoint: latest.note, source: `${self.stateCode} (this node's own checkpoints)`, seenAt: latest.createdAt },
        second: { checkpoint: asSignedByLog(opened), source: `${peer.stateCode} ${peer.url}${WITNESS_PATHS.cosignature}`, seenAt: ctx.now() },
      });
    }
    return undefined;
  }
  const signature = parseNote(note).signatures.find((s) => s.name === cosig.name && s.keyId === cosig.keyId);
  if (!signature) return undefined;
  const existing = (await ctx.store.witness.cosignaturesAt(size)).find((c) => c.witness === peer.stateCode);
  if (existing && existing.signedAt.getTime() >= cosig.timestamp * 1000) return size;
  await ctx.store.witness.addCosignature({
    witness: peer.stateCode,
    size,
    keyName: cosig.name,
    keyId: cosig.keyId,
    line: formatSignatureLine(signature.name, signature.keyId, signature.signature),
    signedAt: new Date(cosignatureTimestamp(signature.signature) * 1000),
    receivedAt: ctx.now(),
  });
  return size;
}

// ---- serving -----------------------------------------------------------------------------

export interface CosignedCheckpoint {
  size: number;
  root: Buffer;
  /** The signed note with one cosignature line per witness appended: still a valid C2SP checkpoint. */
  note: string;
  cosignatures: ReceivedCosignatureRecord[];
}

/**
 * This node's checkpoint with the cosignatures its peers gave it, for proof bundles and
 * `GET /log/checkpoint/cosigned`. With `size`, exactly that checkpoint (404 if this node never
 * signed one of that size). Otherwise the largest cosigned checkpoint of at least `minSize`
 * entries, or, if none is cosigned yet, the latest checkpoint if it is that large.
 */
export async function cosignedCheckpoint(store: Store, options: { size?: number | undefined; minSize?: number | undefined } = {}): Promise<CosignedCheckpoint> {
  let checkpoint: CheckpointRecord | undefined;
  if (options.size !== undefined) {
    checkpoint = await store.witness.checkpointAt(options.size);
    if (!checkpoint) throw notFound('no_checkpoint_of_size', `This node has not signed a checkpoint of ${options.size} entries. Ask for the latest, or for a size it signed.`);
  } else {
    const minSize = options.minSize ?? 0;
    const size = await store.witness.largestCosignedSize(minSize);
    checkpoint = size === undefined ? await store.log.latestCheckpoint() : await store.witness.checkpointAt(size);
    if (!checkpoint) throw notFound('no_checkpoint', 'This node has not signed a checkpoint of its log yet. Try again in a few seconds.');
    if (checkpoint.size < minSize) throw notFound('no_checkpoint_of_size', `This node has not yet signed a checkpoint of at least ${minSize} entries. Try again in a few seconds.`);
  }
  const cosignatures = await store.witness.cosignaturesAt(checkpoint.size);
  return { size: checkpoint.size, root: checkpoint.root, note: checkpoint.note + cosignatures.map((c) => c.line).join(''), cosignatures };
}

/** `GET /log/witnessed`: the latest checkpoint this node verified of each log it witnesses, as that log signed it. */
export async function witnessedDocumentOf(ctx: DomainContext, ownOrigin: string): Promise<WitnessedDocument> {
  const logs = (await ctx.store.witness.list())
    .filter((r) => r.origin !== null && r.checkpoint !== null && r.witnessedAt !== null)
    .map((r) => ({ origin: r.origin as string, checkpoint: r.checkpoint as string, witnessedAt: (r.witnessedAt as Date).toISOString() }));
  return { witness: witnessIdentity(ctx, ownOrigin), logs };
}

/** `GET /log/witness/cosignature?origin=O`: the latest checkpoint of log O this node cosigned. */
export async function cosignatureFor(store: Store, origin: string): Promise<string> {
  const record = (await store.witness.list()).find((r) => r.origin === origin && r.cosigned !== null);
  if (!record?.cosigned) throw notFound('not_witnessed', `This node has not cosigned any checkpoint of the log ${origin}. It witnesses the logs of its trusted peers only.`);
  return record.cosigned;
}

// ---- the administrators' view -----------------------------------------------------------

export interface WitnessOverview {
  self: { origin: string; witnessName: string; witnessVerifierKey: string; checkpointSize: number | null; cosignatures: { stateCode: string; size: number; signedAt: string; receivedAt: string }[] };
  peers: {
    stateCode: string;
    name: string;
    peerStatus: PeerRecord['status'];
    origin: string | null;
    size: number | null;
    root: string | null;
    witnessedAt: string | null;
    checkedAt: string | null;
    status: WitnessStatus;
    problem: string | null;
    checkpoint: string | null;
    refused: string | null;
    forks: number;
  }[];
  forks: { id: string; origin: string; stateCode: string; reason: string; detectedAt: string; first: { checkpoint: string; source: string; seenAt: string }; second: { checkpoint: string; source: string; seenAt: string } }[];
}

const seen = (s: SeenCheckpoint) => ({ checkpoint: s.checkpoint, source: s.source, seenAt: s.seenAt.toISOString() });

export async function witnessOverview(ctx: DomainContext, actor: Actor, ownOrigin: string): Promise<WitnessOverview> {
  assertMay(actor, 'federation.read');
  const [peers, records, forks, latest, cosignatures] = await Promise.all([
    ctx.store.peers.list(),
    ctx.store.witness.list(),
    ctx.store.witness.forks(),
    ctx.store.log.latestCheckpoint(),
    ctx.store.witness.latestCosignatures(),
  ]);
  const byState = new Map(records.map((r) => [r.stateCode, r]));
  const identity = witnessIdentity(ctx, ownOrigin);
  return {
    self: {
      origin: ownOrigin,
      witnessName: identity.name,
      witnessVerifierKey: identity.verifierKey,
      checkpointSize: latest?.size ?? null,
      cosignatures: cosignatures.map((c) => ({ stateCode: c.witness, size: c.size, signedAt: c.signedAt.toISOString(), receivedAt: c.receivedAt.toISOString() })),
    },
    peers: peers.map((p) => {
      const r = byState.get(p.stateCode);
      return {
        stateCode: p.stateCode,
        name: p.name,
        peerStatus: p.status,
        origin: r?.origin ?? null,
        size: r?.size ?? null,
        root: r?.root?.toString('base64') ?? null,
        witnessedAt: r?.witnessedAt?.toISOString() ?? null,
        checkedAt: r?.checkedAt.toISOString() ?? null,
        status: r?.status ?? 'pending',
        problem: r?.problem ?? null,
        checkpoint: r?.checkpoint ?? null,
        refused: r?.refused ?? null,
        forks: forks.filter((f) => f.stateCode === p.stateCode).length,
      };
    }),
    forks: forks.map((f) => ({ id: f.id, origin: f.origin, stateCode: f.stateCode, reason: f.reason, detectedAt: f.detectedAt.toISOString(), first: seen(f.first), second: seen(f.second) })),
  };
}

/** One piece of fork evidence, to download. */
export async function forkEvidenceById(ctx: DomainContext, actor: Actor, id: string): Promise<WitnessOverview['forks'][number]> {
  assertMay(actor, 'federation.read');
  const fork = (await ctx.store.witness.forks()).find((f) => f.id === id);
  if (!fork) throw notFound('fork_not_found', 'There is no such fork evidence on this node.');
  return { id: fork.id, origin: fork.origin, stateCode: fork.stateCode, reason: fork.reason, detectedAt: fork.detectedAt.toISOString(), first: seen(fork.first), second: seen(fork.second) };
}
