import { randomUUID } from 'node:crypto';
import {
  envelopeHash,
  fingerprint as fingerprintOf,
  messageBodies,
  signEnvelope,
  uuidv7,
  type DiscoveryDocument,
  type Envelope,
  type MessageBody,
  type MessageType,
  type PublishedContact,
} from '@parley/protocol';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.js';
import { assertMay, NODE_ACTOR, record } from './audit.js';
import type { DomainContext, PeerEntry, RequestMeta } from './context.js';
import { onConsultationOpen, onConsultationStep } from './consultations.js';
import { onRequestOpen, onRequestStep } from './cooperation.js';
import { logDelivered, logReceived, logSent } from './log.js';
import { onNormPositions, publishNormPositions } from '../norms/positions.js';
import type { Actor } from './policies.js';
import type { CheckRecord, ContactRecord, InboxRecord, OutboxRecord, PeerRecord, Store } from './ports.js';

/**
 * Everything the domain sends to another state goes through `enqueue`: signed now, written to
 * the outbox in the caller's transaction, delivered later by the sender. Nothing is sent that
 * was not first recorded; nothing recorded is lost if the process dies.
 */
export async function enqueue<T extends MessageType>(
  tx: Store,
  ctx: DomainContext,
  msg: { recipient: string; type: T; body: MessageBody<T>; thread?: string | undefined },
): Promise<OutboxRecord> {
  const self = ctx.self;
  if (!self) throw new Error('this process has no node key; messages are sent only by a running node');
  const now = ctx.now();
  // The thread with this recipient only: what another state sent under the same id is not part of it.
  const prev = msg.thread ? await tx.inbox.lastInThread(msg.thread, msg.recipient) : undefined;
  const envelope: Envelope = {
    v: 1,
    id: uuidv7(now.getTime()),
    sender: self.stateCode,
    recipient: msg.recipient,
    type: msg.type,
    created: now.toISOString(),
    ...(msg.thread ? { thread: msg.thread } : {}),
    ...(prev ? { prev } : {}),
    body: msg.body as Envelope['body'],
  };
  const jws = await signEnvelope(envelope, { privateKey: self.privateKey });
  const out: OutboxRecord = {
    id: envelope.id,
    recipient: msg.recipient,
    type: msg.type,
    thread: msg.thread ?? null,
    jws,
    hash: envelopeHash(jws),
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
    receipt: null,
    givenUpAt: null,
  };
  await tx.outbox.insert(out);
  await logSent(tx, ctx, out);
  return out;
}

const publish = (c: ContactRecord): PublishedContact => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  organisation: c.organisation,
  position: c.position,
  email: c.email,
  phone: c.phone,
  languages: c.languages,
  timeZone: c.timeZone,
  hours: c.hours,
  available24x7: c.available24x7,
  verifiedAt: c.verifiedAt?.toISOString() ?? null,
  updatedAt: c.updatedAt.toISOString(),
});

/** Sends this state's current directory to every trusted peer (or to one), in the caller's transaction. */
export async function publishDirectory(tx: Store, ctx: DomainContext, only?: string): Promise<void> {
  if (!ctx.self) return;
  const peers = (await tx.peers.list()).filter((p) => p.status === 'trusted' && (!only || p.stateCode === only));
  if (peers.length === 0) return;
  const contacts = (await tx.contacts.list('active')).map(publish);
  const publishedAt = ctx.now().toISOString();
  for (const peer of peers) await enqueue(tx, ctx, { recipient: peer.stateCode, type: 'directory.update', body: { publishedAt, contacts } });
}

// ---- peers ---------------------------------------------------------------------------------

export interface PeerView {
  stateCode: string;
  name: string;
  url: string;
  fingerprint: string;
  isTestState: boolean;
  status: PeerRecord['status'];
  addedAt: string;
  updatedAt: string;
}

export const presentPeer = (p: PeerRecord): PeerView => ({
  stateCode: p.stateCode,
  name: p.name,
  url: p.url,
  fingerprint: p.fingerprint,
  isTestState: p.isTestState,
  status: p.status,
  addedAt: p.addedAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

/**
 * Trusts a peer only if the key its URL presents has the fingerprint the administrator received
 * out of band. The fingerprint is recomputed from the key, never taken from the document.
 */
export async function addPeer(
  ctx: DomainContext,
  actor: Actor,
  input: { url: string; fingerprint: string; presented: DiscoveryDocument },
  meta: RequestMeta,
): Promise<PeerView> {
  assertMay(actor, 'peers.manage');
  const presented = fingerprintOf(Buffer.from(input.presented.publicKey, 'base64url'));
  if (presented !== input.fingerprint) {
    throw new DomainError(
      'conflict',
      'fingerprint_mismatch',
      `The node at ${input.url} presents key ${presented}, not the expected ${input.fingerprint}. It was not added. Check the fingerprint with the other state through a separate channel.`,
      { extensions: { expected: input.fingerprint, presented } },
    );
  }
  if (ctx.self && input.presented.stateCode === ctx.self.stateCode) {
    throw invalid('peer_is_self', `${input.url} is this node's own state (${ctx.self.stateCode}).`);
  }
  const now = ctx.now();
  const result = await ctx.store.transaction(async (tx) => {
    const before = await tx.peers.byState(input.presented.stateCode);
    const peer: PeerRecord = {
      stateCode: input.presented.stateCode,
      name: input.presented.name,
      url: input.url.replace(/\/+$/, ''),
      publicKey: input.presented.publicKey,
      fingerprint: presented,
      isTestState: input.presented.isTestState,
      status: 'trusted',
      addedAt: before?.addedAt ?? now,
      updatedAt: now,
    };
    await tx.peers.upsert(peer);
    await tx.peers.addKey(peer.stateCode, { fingerprint: presented, publicKey: peer.publicKey, validFrom: now });
    await record(tx, ctx, actor, meta, { action: before ? 'peer.update' : 'peer.add', entityType: 'peer', entityId: peer.stateCode, before: before ? presentPeer(before) : null, after: presentPeer(peer) });
    await publishDirectory(tx, ctx, peer.stateCode);
    await publishNormPositions(tx, ctx, peer.stateCode);
    return presentPeer(peer);
  });
  ctx.peerCache?.clear();
  ctx.onQueued?.();
  return result;
}

/**
 * Suspends or resumes a peer. Messages for a suspended peer stay queued (the sender retries them
 * until the delivery period ends); resuming makes them due at once, since their backoff, grown
 * while the peer was suspended, could otherwise hold them for up to an hour.
 */
export async function setPeerStatus(ctx: DomainContext, actor: Actor, stateCode: string, status: PeerRecord['status'], meta: RequestMeta): Promise<PeerView> {
  assertMay(actor, 'peers.manage');
  let resumed = false;
  try {
    const view = await ctx.store.transaction(async (tx) => {
      const before = await tx.peers.byState(stateCode);
      if (!before) throw notFound('peer_not_found', `${stateCode} is not a peer of this node.`);
      const now = ctx.now();
      const after = { ...before, status, updatedAt: now };
      await tx.peers.upsert(after);
      await record(tx, ctx, actor, meta, { action: `peer.${status === 'trusted' ? 'resume' : 'suspend'}`, entityType: 'peer', entityId: stateCode, before: presentPeer(before), after: presentPeer(after) });
      if (status === 'trusted') resumed = (await tx.outbox.retryNow(stateCode, now)) > 0;
      return presentPeer(after);
    });
    if (resumed) ctx.onQueued?.();
    return view;
  } finally {
    ctx.peerCache?.clear();
  }
}

/** Why a message still queued for a peer that is removed is given up. */
export const removedPeerReason = (stateCode: string) => `${stateCode} was removed as a peer before the message was delivered`;

/**
 * Stops trusting a peer, and revokes every evidence grant it holds: a removed peer is one this
 * node no longer vouches for, and adding the same state again later (perhaps under a new key, or
 * a new government) must not silently give back what it could fetch before. Suspending a peer
 * keeps its grants: the evidence gate refuses it while suspended, and resuming restores both.
 * Messages still queued for it are given up, as at the end of the delivery period, and the
 * officers told: nothing would deliver them, and adding the state again must not send it what
 * was written for the peer removed. Returns how many contents it could fetch until now, and how
 * many messages were given up.
 */
export async function removePeer(ctx: DomainContext, actor: Actor, stateCode: string, meta: RequestMeta): Promise<{ grantsRevoked: number; messagesFailed: number }> {
  assertMay(actor, 'peers.manage');
  try {
    return await ctx.store.transaction(async (tx) => {
      const before = await tx.peers.byState(stateCode);
      if (!before) throw notFound('peer_not_found', `${stateCode} is not a peer of this node.`);
      await tx.peers.remove(stateCode);
      await record(tx, ctx, actor, meta, { action: 'peer.remove', entityType: 'peer', entityId: stateCode, before: presentPeer(before), after: null });
      const revoked = await tx.evidence.revokeGrants(stateCode);
      if (revoked.length > 0) {
        await record(tx, ctx, actor, meta, { action: 'evidence.revoke', entityType: 'peer', entityId: stateCode, before: { granted: revoked }, after: { granted: [] } });
      }
      const reason = removedPeerReason(stateCode);
      const failed = await tx.outbox.failQueued(stateCode, reason, ctx.now());
      if (failed.length > 0) {
        const ids = failed.map((m) => m.id);
        await record(tx, ctx, actor, meta, { action: 'outbox.fail', entityType: 'peer', entityId: stateCode, before: { queued: ids }, after: { failed: ids, reason } });
        await recordRemovalFailures(tx, ctx, stateCode, failed);
      }
      return { grantsRevoked: revoked.length, messagesFailed: failed.length };
    });
  } finally {
    // Cleared whatever happened, as for a change of status: a look-up meanwhile must not keep the removed peer.
    ctx.peerCache?.clear();
  }
}

/**
 * The peers, each with how many evidence contents it may fetch from this node and how many
 * messages are queued for it: what removing it revokes, and what removing it gives up.
 */
export async function listPeers(ctx: DomainContext, actor: Actor): Promise<(PeerView & { evidenceGrants: number; queuedMessages: number })[]> {
  assertMay(actor, 'federation.read');
  const [peers, grants, queued] = await Promise.all([ctx.store.peers.list(), ctx.store.evidence.grantCounts(), ctx.store.outbox.queuedCounts()]);
  return peers.map((p) => ({ ...presentPeer(p), evidenceGrants: grants.get(p.stateCode) ?? 0, queuedMessages: queued.get(p.stateCode) ?? 0 }));
}

// ---- receiving ---------------------------------------------------------------------------

/** Thrown inside the inbox transaction when the same envelope was stored first by a concurrent delivery. */
export class AlreadyReceived extends Error {}

/** A verified envelope on its way into the inbox, with the receipt signed for it. */
export interface InboundItem {
  record: InboxRecord;
  envelope: Envelope;
}

/** What became of one envelope of a batch: stored now, stored before (same receipt), or its id taken by another envelope. */
export type InboundOutcome = { kind: 'stored'; receipt: string } | { kind: 'duplicate'; receipt: string } | { kind: 'id_reused' };

/**
 * Records verified envelopes in the caller's transaction, in the order given, with one look-up of
 * what was received before, one insert and one log append for all. Each is applied once the
 * message it follows in its thread is part of this node's record (or was applied earlier in the
 * batch); otherwise it is held, and applied when that message arrives, with whatever was waiting
 * on it, so a thread is applied in order however it was delivered. An envelope already received
 * (before, or earlier in the same batch) is answered with its first receipt and has no second
 * effect; one whose id was used by different content is reported. The transaction fails with
 * `AlreadyReceived` when a concurrent transaction stored one first: retry them one by one.
 *
 * With `lookUp: false` it skips the look-up, so the statements that record and apply go out with
 * BEGIN instead of a round trip after it, and takes every envelope of the batch for new; one
 * received before then fails the insert, and the transaction's `AlreadyReceived` says to try
 * again with the look-up. For the first try of a batch, when nearly every envelope is new. With
 * `unlocked`, the log append does not wait to lock the log's head (`appendToLog`), so when
 * nothing else waits, the whole transaction goes out at once; it fails with `LogHeadMoved` if
 * the head had moved, to be tried again without.
 */
export async function recordInboundBatch(tx: Store, ctx: DomainContext, items: readonly InboundItem[], { lookUp = true, unlocked = false }: { lookUp?: boolean; unlocked?: boolean } = {}): Promise<InboundOutcome[]> {
  // Without the look-up, every envelope is taken for new, and one received before fails the
  // insert: the transaction's `AlreadyReceived` then says to try again with it.
  const earlier = lookUp
    ? await tx.inbox.byHashesOrIds(
        items.map((i) => i.record.hash),
        items.map((i) => i.record.id),
      )
    : [];
  const receipts = new Map(earlier.map((r) => [r.hash, r.receipt]));
  const ids = new Set(earlier.map((r) => r.id));
  const stored: InboxRecord[] = [];
  const outcomes: InboundOutcome[] = [];
  // Applied in this batch: an envelope may follow one stored just before it, not yet inserted.
  const applied = new Set<string>();
  for (const { record, envelope } of items) {
    const receipt = receipts.get(record.hash);
    if (receipt !== undefined) {
      outcomes.push({ kind: 'duplicate', receipt });
      continue;
    }
    if (ids.has(record.id)) {
      outcomes.push({ kind: 'id_reused' });
      continue;
    }
    const settled = await apply(tx, ctx, record, envelope, applied);
    receipts.set(record.hash, record.receipt);
    ids.add(record.id);
    stored.push(settled);
    outcomes.push({ kind: 'stored', receipt: record.receipt });
  }
  // One statement for the batch, not waited for: a row stored before (by another transaction, or
  // before this one when `lookUp` is off) fails it, and with it the transaction, as AlreadyReceived.
  // The statements that follow travel with it (the store pipelines a transaction's statements)
  // and run in this order.
  const inserted = tx.inbox.insert(stored);
  inserted.catch(() => undefined); // awaited below, or its failure fails the transaction
  try {
    // Only a message in a thread can be what another one, received earlier, waits for.
    for (const r of stored) if (r.appliedAt && r.thread) await applyWaiting(tx, ctx, r.hash);
    // Last: the log's lock is taken after the rows that applying locks, so transactions cannot deadlock.
    await logReceived(tx, ctx, stored, { unlocked });
  } catch (error) {
    await inserted; // a failed insert is the cause of what failed after it
    throw error;
  }
  return outcomes;
}

/** Applies an envelope if what it follows is part of the record (or was applied earlier in this batch), and returns its row. */
async function apply(tx: Store, ctx: DomainContext, rec: InboxRecord, envelope: Envelope, applied: Set<string>): Promise<InboxRecord> {
  const ready = !rec.prev || applied.has(rec.prev) || (await tx.inbox.isSettled(rec.prev));
  if (!ready) return { ...rec, appliedAt: null, applyError: null };
  const error = await applySafely(tx, ctx, envelope, rec.hash);
  applied.add(rec.hash);
  return { ...rec, appliedAt: ctx.now(), applyError: error };
}

async function applyWaiting(tx: Store, ctx: DomainContext, hash: string): Promise<void> {
  for (const next of await tx.inbox.waitingOn(hash)) {
    const error = await applySafely(tx, ctx, decodeStoredEnvelope(next.jws), next.hash);
    await tx.inbox.markApplied(next.hash, ctx.now(), error);
    await applyWaiting(tx, ctx, next.hash);
  }
}

/**
 * The envelope stays received and receipted even when it cannot take effect; why is kept with it,
 * after the refusal's stable code (`not_a_party`, `id_taken`, `unknown_case`, …) when a handler
 * refused it, so refusals of one kind can be found whatever their wording; the administrators
 * are told of such a refusal.
 */
async function applySafely(tx: Store, ctx: DomainContext, envelope: Envelope, hash: string): Promise<string | null> {
  try {
    await applyEnvelope(tx, ctx, envelope, hash);
    return null;
  } catch (e) {
    if (e instanceof DomainError) {
      const reason = `${e.code}: ${e.message}`;
      // A peer sending what it may not is a fault on its side or an attempt on this node's
      // record: its administrators hear of it here, not only from the inbox's table.
      await notify(tx, ctx, 'admin', 'peer.message_not_applied', `${envelope.sender} sent a ${envelope.type} message that this node did not apply (${reason}). It is kept, with the receipt it was given; if this recurs, raise it with ${envelope.sender}'s administrators.`, '/peers');
      return reason;
    }
    return e instanceof Error ? e.message : String(e);
  }
}

/** An envelope read back from this node's own inbox, where it was stored after verification. */
export function decodeStoredEnvelope(jws: string): Envelope {
  const payload = jws.split('.')[1];
  if (!payload) throw new Error('stored envelope is not a compact JWS');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Envelope;
}

/** What a received message of one type does to this node's record, inside the inbox transaction. */
export type InboundHandler<T extends MessageType> = (tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<T>, hash: string) => Promise<void>;
/** One handler per message type: a type without one does not compile. Features add theirs here. */
export type InboundHandlers = { [T in MessageType]: InboundHandler<T> };

// Built on first use: feature modules import this one, so their handler tables are read only
// after every module has loaded.
let handlers: InboundHandlers | undefined;
const inboundHandlers = (): InboundHandlers => (handlers ??= {
  'directory.update': (tx, ctx, envelope, body, hash) => onDirectory(tx, ctx, envelope, body, hash),
  'check.request': (tx, ctx, envelope, body) => onCheckRequest(tx, ctx, envelope, body),
  'check.response': (tx, ctx, envelope, body) => onCheckResponse(tx, ctx, envelope, body),
  'key.rotate': (tx, ctx, envelope, body) => onKeyRotate(tx, ctx, envelope, body),
  'norms.positions': onNormPositions,
  'consultation.open': onConsultationOpen,
  'consultation.step': onConsultationStep,
  'request.open': onRequestOpen,
  'request.step': onRequestStep,
});

async function applyEnvelope(tx: Store, ctx: DomainContext, envelope: Envelope, hash: string): Promise<void> {
  const type = envelope.type as MessageType;
  const body = messageBodies[type].parse(envelope.body) as never;
  const handler = inboundHandlers()[type] as InboundHandler<MessageType>;
  await handler(tx, ctx, envelope, body, hash);
}

async function onDirectory(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'directory.update'>, hash: string) {
  // Kept only if newer than the copy held, which the statement itself decides: nothing waits for it.
  tx.sent(() =>
    tx.peerDirectories.put({
      stateCode: envelope.sender,
      publishedAt: new Date(body.publishedAt),
      receivedAt: ctx.now(),
      contacts: body.contacts,
      envelopeHash: hash,
    }),
  );
}

async function onKeyRotate(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'key.rotate'>) {
  const peer = await tx.peers.byState(envelope.sender);
  if (!peer) throw forbidden('unknown_sender', `unknown peer ${envelope.sender}`);
  const computed = fingerprintOf(Buffer.from(body.publicKey, 'base64url'));
  if (computed !== body.fingerprint) throw invalid('key_mismatch', 'announced key does not match its fingerprint');
  const now = ctx.now();
  await tx.peers.addKey(peer.stateCode, { fingerprint: computed, publicKey: body.publicKey, validFrom: now });
  await tx.peers.retireKeys(peer.stateCode, computed, now);
  await tx.peers.upsert({ ...peer, publicKey: body.publicKey, fingerprint: computed, updatedAt: now });
  await notify(tx, ctx, 'admin', 'peer.key_rotated', `${peer.stateCode} rotated its node key; the new fingerprint is ${computed}. Confirm it with them out of band.`, '/peers');
}

/**
 * Announces a new node key to every trusted peer, in envelopes signed with the current key, in
 * the caller's transaction; the audit entry is what a restart uses to finish an interrupted rotation.
 */
export async function announceKeyRotation(tx: Store, ctx: DomainContext, actor: Actor, next: { publicKey: string; fingerprint: string }, meta: RequestMeta): Promise<number> {
  assertMay(actor, 'peers.manage');
  const peers = (await tx.peers.list()).filter((p) => p.status === 'trusted');
  const effective = ctx.now().toISOString();
  for (const peer of peers) {
    await enqueue(tx, ctx, { recipient: peer.stateCode, type: 'key.rotate', body: { publicKey: next.publicKey, fingerprint: next.fingerprint, effective } });
  }
  await record(tx, ctx, actor, meta, { action: 'node.key_rotate', entityType: 'node', entityId: ctx.self?.stateCode ?? '', before: { fingerprint: ctx.self?.fingerprint }, after: { fingerprint: next.fingerprint } });
  return peers.length;
}

/**
 * A peer with the keys it may sign with: its current key, and keys retired within `graceMs`
 * (envelopes signed before a rotation are still in flight). Read through the peer cache.
 */
export async function peerWithKeys(ctx: DomainContext, stateCode: string, graceMs: number): Promise<PeerEntry | undefined> {
  const now = ctx.now();
  const cached = ctx.peerCache?.get(stateCode, now);
  if (cached) return cached;
  const generation = ctx.peerCache?.generation ?? 0;
  const peer = await ctx.store.peers.byState(stateCode);
  if (!peer) return undefined;
  const keys = new Map(
    (await ctx.store.peers.keys(stateCode)).filter((k) => !k.validUntil || k.validUntil.getTime() > now.getTime() - graceMs).map((k) => [k.fingerprint, k.publicKey]),
  );
  keys.set(peer.fingerprint, peer.publicKey);
  const entry = { peer, keys };
  ctx.peerCache?.set(stateCode, entry, now, generation);
  return entry;
}

/**
 * The trusted or suspended peer that holds the key with this fingerprint (current, or retired
 * within `graceMs`), as the key ID of a delivery token names it: the inbox knows the sender from
 * the token before it reads the body. Cached beside the peers by state code, so a delivery
 * costs no more look-ups than when the sender was read from the envelopes.
 */
export async function peerByKey(ctx: DomainContext, fingerprint: string, graceMs: number): Promise<PeerEntry | undefined> {
  const key = `key:${fingerprint}`;
  const now = ctx.now();
  const cached = ctx.peerCache?.get(key, now);
  if (cached) return cached;
  const generation = ctx.peerCache?.generation ?? 0;
  const stateCode = await ctx.store.peers.stateOfKey(fingerprint);
  const entry = stateCode === undefined ? undefined : await peerWithKeys(ctx, stateCode, graceMs);
  if (!entry?.keys.has(fingerprint)) return undefined;
  ctx.peerCache?.set(key, entry, now, generation);
  return entry;
}

// ---- communication checks ------------------------------------------------------------------

export const DEFAULT_CHECK_MINUTES = 120;

export interface CheckView {
  id: string;
  direction: CheckRecord['direction'];
  peer: string;
  startedBy: string;
  startedAt: string;
  deadline: string;
  note: string;
  deliveredAt: string | null;
  confirmedAt: string | null;
  confirmedBy: string | null;
  /**
   * The point of contact the confirmation was made for, by id, only when it is one this node
   * knows: this state's own for an incoming check (chosen here), one in the peer's directory as
   * this node holds it for an outgoing one.
   */
  confirmedContact: string | null;
  /** The confirmation named a point of contact this node does not know: not in the peer's directory as held here. */
  confirmedContactUnlisted: boolean;
  /** Seconds from start to the machine receipt, and to the person's confirmation. */
  deliverySeconds: number | null;
  confirmationSeconds: number | null;
  status: 'sending' | 'delivered' | 'confirmed' | 'confirmed_late' | 'missed';
}

/**
 * A check as shown. `listed` holds the ids of the points of contact in the peer's directory as
 * this node holds it: a peer's confirmation names its contact by id, which is only its word, so an
 * outgoing check names the contact only while that id is in the peer's directory (which the
 * `directory.update` sent with the confirmation may bring just after it). A person did confirm
 * either way, so the confirmation stands; what is not shown is a contact this node cannot vouch for.
 */
export function presentCheck(c: CheckRecord, now: Date, listed: ReadonlySet<string> = new Set()): CheckView {
  const known = c.confirmedContact !== null && (c.direction === 'incoming' || listed.has(c.confirmedContact));
  const secs = (d: Date | null) => (d ? Math.max(0, Math.round((d.getTime() - c.startedAt.getTime()) / 100) / 10) : null);
  const status: CheckView['status'] = c.confirmedAt
    ? c.confirmedAt > c.deadline
      ? 'confirmed_late'
      : 'confirmed'
    : now > c.deadline
      ? 'missed'
      : c.deliveredAt || c.direction === 'incoming'
        ? 'delivered'
        : 'sending';
  return {
    id: c.id,
    direction: c.direction,
    peer: c.peer,
    startedBy: c.startedBy,
    startedAt: c.startedAt.toISOString(),
    deadline: c.deadline.toISOString(),
    note: c.note,
    deliveredAt: c.deliveredAt?.toISOString() ?? null,
    confirmedAt: c.confirmedAt?.toISOString() ?? null,
    confirmedBy: c.confirmedBy,
    confirmedContact: known ? c.confirmedContact : null,
    confirmedContactUnlisted: c.confirmedContact !== null && !known,
    deliverySeconds: secs(c.deliveredAt),
    confirmationSeconds: secs(c.confirmedAt),
    status,
  };
}

/** Starts a communication check with one peer, several, or (with no list) every trusted peer. */
export async function startCheck(
  ctx: DomainContext,
  actor: Actor,
  input: { peers?: string[] | undefined; minutes?: number | undefined; note?: string | undefined },
  meta: RequestMeta,
): Promise<CheckView[]> {
  assertMay(actor, 'checks.start');
  const minutes = input.minutes ?? DEFAULT_CHECK_MINUTES;
  const result = await ctx.store.transaction(async (tx) => {
    const trusted = (await tx.peers.list()).filter((p) => p.status === 'trusted');
    const wanted = input.peers?.length ? input.peers : trusted.map((p) => p.stateCode);
    if (wanted.length === 0) throw invalid('no_peers', 'This node has no trusted peers to check. Add a peer first.');
    const views: CheckView[] = [];
    for (const code of wanted) {
      if (!trusted.some((p) => p.stateCode === code)) throw invalid('peer_not_trusted', `${code} is not a trusted peer of this node.`);
      const now = ctx.now();
      const check: CheckRecord = {
        id: randomUUID(),
        direction: 'outgoing',
        peer: code,
        startedBy: actor.type === 'user' ? actor.email : 'local-cli',
        startedAt: now,
        deadline: new Date(now.getTime() + minutes * 60_000),
        note: input.note ?? '',
        deliveredAt: null,
        confirmedAt: null,
        confirmedBy: null,
        confirmedContact: null,
      };
      await tx.checks.insert(check);
      await enqueue(tx, ctx, { recipient: code, type: 'check.request', thread: check.id, body: { check: check.id, deadline: check.deadline.toISOString(), note: input.note ?? '' } });
      await record(tx, ctx, actor, meta, { action: 'check.start', entityType: 'check', entityId: check.id, before: null, after: presentCheck(check, now) });
      views.push(presentCheck(check, now));
    }
    return views;
  });
  ctx.onQueued?.();
  return result;
}

async function onCheckRequest(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'check.request'>) {
  // The check's thread is what its response follows and what thread integrity is computed over.
  if (envelope.thread !== body.check) throw invalid('wrong_thread', 'a communication check opens its own thread: thread and check id differ');
  const held = await tx.checks.byId(body.check);
  if (held) {
    // The same check delivered again has no second effect; an id this node holds for another
    // check (its own, or another peer's) is not the sender's to take.
    if (held.direction === 'incoming' && held.peer === envelope.sender) return;
    throw conflict('id_taken', `check ${body.check} is not one ${envelope.sender} started`);
  }
  await tx.checks.insert({
    id: body.check,
    direction: 'incoming',
    peer: envelope.sender,
    startedBy: envelope.sender,
    startedAt: new Date(envelope.created),
    deadline: new Date(body.deadline),
    note: body.note,
    deliveredAt: ctx.now(),
    confirmedAt: null,
    confirmedBy: null,
    confirmedContact: null,
  });
  await notify(tx, ctx, 'officer', 'check.request', `${envelope.sender} asks a point of contact of this state to confirm a communication check by ${body.deadline}.`, '/checks');
}

/** A person confirms an incoming check, naming the point of contact they answer for. */
export async function confirmCheck(
  ctx: DomainContext,
  actor: Actor,
  id: string,
  input: { contact: string; confirmedBy: string },
  meta: RequestMeta,
): Promise<CheckView> {
  assertMay(actor, 'checks.confirm');
  const result = await ctx.store.transaction(async (tx) => {
    const check = await tx.checks.byId(id);
    if (!check || check.direction !== 'incoming') throw notFound('check_not_found', 'No such incoming communication check.');
    if (check.confirmedAt) throw conflict('check_already_confirmed', `This check was already confirmed by ${check.confirmedBy}.`);
    const contact = await tx.contacts.byId(input.contact);
    if (!contact || contact.status !== 'active') throw invalid('contact_not_found', 'Choose one of this state’s active points of contact.');
    const now = ctx.now();
    const after: CheckRecord = { ...check, confirmedAt: now, confirmedBy: input.confirmedBy, confirmedContact: contact.id };
    await tx.checks.update(after);
    // Verification is a fact about the contact, not an edit of it: the version stays.
    await tx.contacts.update({ ...contact, verifiedAt: now }, contact.version);
    await enqueue(tx, ctx, { recipient: check.peer, type: 'check.response', thread: check.id, body: { check: check.id, confirmedAt: now.toISOString(), confirmedBy: input.confirmedBy, contact: contact.id } });
    await publishDirectory(tx, ctx, check.peer);
    await record(tx, ctx, actor, meta, { action: 'check.confirm', entityType: 'check', entityId: id, before: presentCheck(check, now), after: presentCheck(after, now) });
    return presentCheck(after, now);
  });
  ctx.onQueued?.();
  return result;
}

async function onCheckResponse(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'check.response'>) {
  if (envelope.thread !== body.check) throw invalid('wrong_thread', "a check's confirmation must travel in the check's thread");
  const check = await tx.checks.byId(body.check);
  if (!check || check.direction !== 'outgoing') throw notFound('unknown_check', `no outgoing check ${body.check}`);
  if (check.peer !== envelope.sender) throw forbidden('not_a_party', `${envelope.sender} is not a party to check ${check.id}`);
  if (check.confirmedAt) return;
  await tx.checks.update({ ...check, confirmedAt: new Date(body.confirmedAt), confirmedBy: body.confirmedBy, confirmedContact: body.contact });
}

export async function listChecks(
  ctx: DomainContext,
  actor: Actor,
  filter: { direction?: CheckRecord['direction'] | undefined; peer?: string | undefined; limit: number },
): Promise<CheckView[]> {
  assertMay(actor, 'federation.read');
  const now = ctx.now();
  const checks = await ctx.store.checks.list(filter);
  // The peers' directories only when a confirmation from a peer names a contact.
  const directories = checks.some((c) => c.direction === 'outgoing' && c.confirmedContact) ? await ctx.store.peerDirectories.list() : [];
  const listed = new Map(directories.map((d) => [d.stateCode, new Set((d.contacts as PublishedContact[]).map((x) => x.id))]));
  return checks.map((c) => presentCheck(c, now, listed.get(c.peer)));
}

// ---- delivery outcomes ---------------------------------------------------------------------

/** A receipt the sender has checked: the peer's signed word that it received the message at `receivedAt`. */
export interface Delivery {
  message: OutboxRecord;
  receipt: string;
  receivedAt: Date;
}

/**
 * What the sender reports back: receipts arrived. Each message is marked delivered with its
 * receipt, and each receipt goes into the log, in the caller's transaction; a check records the
 * machine delivery time. A receipt can arrive for a message given up meanwhile: its peer was
 * removed while the delivery was in flight. The receipt is the peer's signed word that it did
 * receive the message, so it is kept and logged like any other; the message shows it was
 * delivered after it was given up, and its officers, told it had failed, are told it did not.
 */
export async function recordDeliveries(tx: Store, ctx: DomainContext, deliveries: readonly Delivery[]): Promise<void> {
  const late: { message: OutboxRecord; receivedAt: Date }[] = [];
  for (const { message, receipt, receivedAt } of deliveries) {
    const stored = await tx.outbox.markDelivered(message.id, receivedAt, receipt);
    if (stored?.givenUpAt) late.push({ message: stored, receivedAt });
    if (message.type === 'check.request' && message.thread) {
      const check = await tx.checks.byId(message.thread);
      if (check && !check.deliveredAt) await tx.checks.update({ ...check, deliveredAt: receivedAt });
    }
  }
  await logDelivered(tx, ctx, deliveries);
  for (const recipient of new Set(late.map((l) => l.message.recipient))) {
    await recordLateDeliveries(
      tx,
      ctx,
      recipient,
      late.filter((l) => l.message.recipient === recipient),
    );
  }
}

/**
 * Corrects the notification that said these messages to `recipient` were given up, in one
 * notification, as that one was; the audit trail, which holds the `outbox.fail` of a removal,
 * holds the correction too, by the node itself.
 */
async function recordLateDeliveries(tx: Store, ctx: DomainContext, recipient: string, late: readonly { message: OutboxRecord; receivedAt: Date }[]): Promise<void> {
  const ids = late.map((l) => l.message.id);
  await tx.audit.append({
    at: ctx.now(),
    actor: NODE_ACTOR,
    requestId: null,
    action: 'outbox.deliver_late',
    entityType: 'peer',
    entityId: recipient,
    before: { failed: ids },
    after: { delivered: late.map((l) => ({ id: l.message.id, receivedAt: l.receivedAt.toISOString(), givenUpAt: l.message.givenUpAt?.toISOString() ?? null, reason: l.message.lastError })) },
  });
  const reasons = [...new Set(late.map((l) => l.message.lastError ?? 'no reason recorded'))].join('; ');
  const latest = new Date(Math.max(...late.map((l) => l.receivedAt.getTime()))).toISOString();
  if (late.length === 1) {
    const { message } = late[0]!;
    await notify(tx, ctx, 'officer', 'delivery.late', `A ${message.type} message to ${recipient} that was reported as given up (${reasons}) was delivered after all: ${recipient}'s signed receipt arrived afterwards and says ${recipient} received it at ${latest}.`, `/messages?recipient=${recipient}&status=delivered`);
    return;
  }
  const each = typeCounts(late.map((l) => l.message));
  await notify(tx, ctx, 'officer', 'delivery.late', `${late.length} messages to ${recipient} (${each}) that were reported as given up (${reasons}) were delivered after all: ${recipient}'s signed receipts arrived afterwards and say ${recipient} received them by ${latest}.`, `/messages?recipient=${recipient}&status=delivered`);
}

export async function recordFailure(tx: Store, ctx: DomainContext, message: OutboxRecord, reason: string): Promise<void> {
  await notify(tx, ctx, 'officer', 'delivery.failed', `A ${message.type} message to ${message.recipient} could not be delivered and was given up: ${reason}`, '/messages');
}

/**
 * Tells the officers of the messages to a peer given up when it was removed: in one
 * notification, which says how many of each type, rather than one notification (and e-mail) per
 * message of a backlog.
 */
async function recordRemovalFailures(tx: Store, ctx: DomainContext, recipient: string, messages: readonly OutboxRecord[]): Promise<void> {
  if (messages.length === 1) return recordFailure(tx, ctx, messages[0]!, removedPeerReason(recipient));
  const each = typeCounts(messages);
  await notify(tx, ctx, 'officer', 'delivery.failed', `${messages.length} messages to ${recipient} (${each}) could not be delivered and were given up: ${recipient} was removed as a peer before they were delivered`, `/messages?recipient=${recipient}&status=failed`);
}

/** How many messages of each type, in words: "2 check.request, 1 directory.update". */
function typeCounts(messages: readonly OutboxRecord[]): string {
  const types = new Map<string, number>();
  for (const m of messages) types.set(m.type, (types.get(m.type) ?? 0) + 1);
  return [...types].map(([type, n]) => `${n} ${type}`).join(', ');
}

export async function notify(tx: Store, ctx: DomainContext, audience: 'officer' | 'admin', kind: string, message: string, link: string | null): Promise<void> {
  await tx.notifications.add({ at: ctx.now(), audience, kind, message, link });
}

export interface OutboxView {
  id: string;
  recipient: string;
  type: string;
  hash: string;
  status: OutboxRecord['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  hasReceipt: boolean;
  givenUpAt: string | null;
}

export const presentOutbox = (m: OutboxRecord): OutboxView => ({
  id: m.id,
  recipient: m.recipient,
  type: m.type,
  hash: m.hash,
  status: m.status,
  attempts: m.attempts,
  nextAttemptAt: m.status === 'queued' ? m.nextAttemptAt.toISOString() : null,
  lastError: m.lastError,
  createdAt: m.createdAt.toISOString(),
  deliveredAt: m.deliveredAt?.toISOString() ?? null,
  hasReceipt: m.receipt !== null,
  givenUpAt: m.givenUpAt?.toISOString() ?? null,
});

export async function listOutbox(ctx: DomainContext, actor: Actor, filter: { recipient?: string | undefined; status?: OutboxRecord['status'] | undefined; limit: number }): Promise<OutboxView[]> {
  assertMay(actor, 'federation.read');
  return (await ctx.store.outbox.list(filter)).map(presentOutbox);
}

export async function peerDirectories(ctx: DomainContext, actor: Actor) {
  assertMay(actor, 'federation.read');
  const peers = new Map((await ctx.store.peers.list()).map((p) => [p.stateCode, p]));
  return (await ctx.store.peerDirectories.list())
    .filter((d) => peers.has(d.stateCode))
    .map((d) => ({
      stateCode: d.stateCode,
      name: peers.get(d.stateCode)!.name,
      isTestState: peers.get(d.stateCode)!.isTestState,
      publishedAt: d.publishedAt.toISOString(),
      receivedAt: d.receivedAt.toISOString(),
      contacts: d.contacts as PublishedContact[],
    }));
}

/** Notifications addressed to the actor's role: officers see operational ones, administrators both. */
export async function listNotifications(ctx: DomainContext, actor: Actor, limit = 50) {
  const audiences = actor.type === 'operator' || actor.role === 'admin' ? ['officer', 'admin'] : actor.role === 'officer' ? ['officer'] : [];
  return (await ctx.store.notifications.list(audiences, limit)).map((n) => ({ id: n.id, at: n.at.toISOString(), kind: n.kind, message: n.message, link: n.link }));
}
