import { randomUUID } from 'node:crypto';
import type { Evidence } from '../api/evidence-schemas.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { assertMay, record } from './audit.js';
import type { DomainContext, RequestMeta } from './context.js';
import type { BlobStore, EvidenceRecord } from './evidence-ports.js';
import { notify } from './federation.js';
import { MALWARE_SUFFIX, safeFileName } from './file-name.js';
import { actorLabel, type Actor } from './policies.js';
import type { Store } from './ports.js';

/**
 * Evidence files: uploaded and stored by content hash, referred to in messages by
 * `{ sha256, size, name, mediaType, malware }`, pulled by the receiving node from the owner
 * (which serves a content only to the peers it was granted to), and shown as received only once
 * the bytes match their hash. Parley never opens or runs what it stores.
 */

export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

const held = (r: EvidenceRecord) => r.status === 'stored' || r.status === 'received';

export function presentEvidence(r: EvidenceRecord): Evidence {
  return {
    id: r.id,
    sha256: r.sha256,
    size: r.size,
    name: r.name,
    mediaType: r.mediaType,
    malware: r.malware,
    originState: r.originState,
    uploadedBy: r.uploadedBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    status: r.status,
    receivedBytes: held(r) ? r.size : r.receivedBytes,
    error: r.error,
    caseId: r.caseId,
    available: held(r),
    downloadUrl: held(r) ? `/api/v1/evidence/${r.id}/content` : null,
  };
}

/** The reference a message carries for an evidence record (the lead adds its salt). */
export function evidenceRefOf(r: EvidenceRecord): { sha256: string; size: number; name: string; mediaType: string; malware: boolean } {
  return { sha256: r.sha256, size: r.size, name: r.name, mediaType: r.mediaType, malware: r.malware };
}

/**
 * Stores an uploaded file: its bytes stream into the blob store (hashed on the way, stored once
 * whatever the number of uploads), then its record and audit entry commit together. A failed or
 * oversized upload leaves neither bytes nor record.
 */
export async function uploadEvidence(
  ctx: DomainContext,
  blobs: BlobStore,
  actor: Actor,
  input: {
    source: AsyncIterable<Uint8Array>;
    name: string;
    malware: boolean;
    mediaType?: string | undefined;
    caseId?: string | undefined;
    maxBytes: number;
    /** The declared length, when the client gave one: a shorter body is an incomplete upload. */
    expectedBytes?: number | undefined;
  },
  meta: RequestMeta,
): Promise<Evidence> {
  assertMay(actor, 'evidence.upload');
  if (!ctx.self) throw new Error('evidence is uploaded only to a running node');
  const mediaType = input.mediaType && MEDIA_TYPE.test(input.mediaType) ? input.mediaType.toLowerCase() : DEFAULT_MEDIA_TYPE;
  const put = await blobs.put(input.source, { maxBytes: input.maxBytes, ...(input.expectedBytes !== undefined ? { expectedBytes: input.expectedBytes } : {}) });
  const now = ctx.now();
  const rec: EvidenceRecord = {
    id: randomUUID(),
    sha256: put.sha256,
    size: put.size,
    name: safeFileName(input.name),
    mediaType,
    malware: input.malware,
    originState: ctx.self.stateCode,
    uploadedBy: actorLabel(actor),
    createdAt: now,
    status: 'stored',
    receivedBytes: put.size,
    error: null,
    caseId: input.caseId ?? null,
    salt: null,
    attempts: 0,
    nextAttemptAt: null,
    updatedAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.evidence.insert(rec);
    await record(tx, ctx, actor, meta, {
      action: 'evidence.upload',
      entityType: 'evidence',
      entityId: rec.id,
      before: null,
      after: { sha256: rec.sha256, size: rec.size, name: rec.name, malware: rec.malware, alreadyStored: !put.created },
    });
  });
  return presentEvidence(rec);
}

export async function getEvidence(ctx: DomainContext, actor: Actor, id: string): Promise<Evidence> {
  assertMay(actor, 'evidence.read');
  const r = await ctx.store.evidence.byId(id);
  if (!r) throw notFound('evidence_not_found', 'No such evidence item on this node.');
  return presentEvidence(r);
}

/**
 * What a download needs: the record, and the name to offer. A malware sample's name gets a
 * suffix so that no file manager opens it by its extension. The download is in the audit trail.
 */
export async function evidenceDownload(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<{ record: EvidenceRecord; fileName: string }> {
  assertMay(actor, 'evidence.read');
  const r = await ctx.store.evidence.byId(id);
  if (!r) throw notFound('evidence_not_found', 'No such evidence item on this node.');
  if (!held(r)) {
    throw conflict(
      'evidence_not_available',
      r.status === 'failed'
        ? `This file could not be received from ${r.originState}: ${r.error ?? 'unknown reason'}.`
        : `This file is still being received from ${r.originState} (${r.receivedBytes} of ${r.size} bytes). It can be downloaded once its SHA-256 has been checked.`,
    );
  }
  await record(ctx.store, ctx, actor, meta, { action: 'evidence.download', entityType: 'evidence', entityId: r.id, before: null, after: { sha256: r.sha256, name: r.name } });
  return { record: r, fileName: r.malware ? `${r.name}${MALWARE_SUFFIX}` : r.name };
}

/**
 * Sender side, in the transaction that enqueues a message carrying this evidence to `recipient`:
 * from then on that peer may fetch the content from this node.
 */
export async function grantEvidence(tx: Store, ctx: DomainContext, input: { sha256: string; recipient: string }): Promise<void> {
  if (!SHA256_HEX.test(input.sha256)) throw invalid('invalid_sha256', `"${input.sha256}" is not a SHA-256 in lowercase hexadecimal.`);
  const records = await tx.evidence.byHashes([input.sha256]);
  if (!records.some(held)) throw invalid('evidence_not_held', `This node does not hold evidence with SHA-256 ${input.sha256}; upload it before sending it.`);
  await tx.evidence.grant(input.sha256, input.recipient, ctx.now());
}

/**
 * Receiver side, in an inbound message handler: records that `from` offers this content. When
 * this node already holds the same bytes and `from` knows it (they came from `from`, or were sent
 * to it) the record is received at once; otherwise it is expected and the evidence fetcher pulls
 * it, even if the bytes are here: a peer that announced any hash it liked would otherwise learn,
 * from a fetch that never came, which files this node holds. The same reference received again
 * in the same case gives back the same record. Nothing from the peer is trusted: the name is made
 * safe again and the hash is checked on arrival.
 */
export async function expectEvidence(
  tx: Store,
  ctx: DomainContext,
  input: { sha256: string; size: number; name: string; mediaType: string; malware: boolean; from: string; caseId: string | null; salt?: string | null },
): Promise<EvidenceRecord> {
  if (!SHA256_HEX.test(input.sha256)) throw invalid('invalid_sha256', `"${input.sha256}" is not a SHA-256 in lowercase hexadecimal.`);
  if (!Number.isSafeInteger(input.size) || input.size < 0) throw invalid('invalid_size', `${input.size} is not a file size.`);
  const existing = await tx.evidence.byHashes([input.sha256]);
  const same = existing.find((r) => r.caseId === input.caseId && r.originState === input.from && r.status !== 'failed');
  if (same) return same;
  const known = existing.some((r) => held(r) && r.originState === input.from) || (await tx.evidence.isGranted(input.sha256, input.from));
  const local = known ? existing.find((r) => held(r) && r.size === input.size) : undefined;
  const now = ctx.now();
  const rec: EvidenceRecord = {
    id: randomUUID(),
    sha256: input.sha256,
    size: input.size,
    name: safeFileName(input.name),
    mediaType: MEDIA_TYPE.test(input.mediaType) ? input.mediaType.toLowerCase() : DEFAULT_MEDIA_TYPE,
    malware: input.malware,
    originState: input.from,
    uploadedBy: null,
    createdAt: now,
    status: local ? 'received' : 'expected',
    receivedBytes: local ? input.size : 0,
    error: null,
    caseId: input.caseId,
    salt: input.salt ?? null,
    attempts: 0,
    nextAttemptAt: local ? null : now,
    updatedAt: now,
  };
  await tx.evidence.insert(rec);
  return rec;
}

/**
 * The status of each content for a page that lists evidence references: per hash, the most
 * useful record (held, then being fetched, then failed), within one case when given.
 */
export async function evidenceByHashes(ctx: DomainContext, hashes: readonly string[], options: { caseId?: string | null } = {}): Promise<Map<string, Evidence>> {
  const wanted = [...new Set(hashes.filter((h) => SHA256_HEX.test(h)))];
  const out = new Map<string, Evidence>();
  if (wanted.length === 0) return out;
  const rank = (r: EvidenceRecord) => (held(r) ? 0 : r.status === 'failed' ? 2 : 1);
  const records = (await ctx.store.evidence.byHashes(wanted)).filter((r) => options.caseId === undefined || r.caseId === options.caseId);
  for (const r of records) {
    const current = out.get(r.sha256);
    if (!current || rank(r) < rank({ ...r, status: current.status } as EvidenceRecord)) out.set(r.sha256, presentEvidence(r));
  }
  return out;
}

// ---- outcomes of a fetch, reported by the evidence fetcher ---------------------------------

/** The page of the consultation or request a file came with. */
async function caseLink(tx: Store, r: EvidenceRecord): Promise<string | null> {
  if (!r.caseId) return null;
  const c = await tx.consultations.byId(r.caseId);
  return c && c.kind !== 'consultation' ? `/requests/${r.caseId}` : `/consultations/${r.caseId}`;
}

/** The bytes arrived and match their hash: every record waiting for them is received, and officers told. */
export async function recordEvidenceReceived(ctx: DomainContext, r: EvidenceRecord): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const done = await tx.evidence.markReceived(r.sha256, r.size, ctx.now());
    for (const d of done.length ? done : [r]) {
      await notify(tx, ctx, 'officer', 'evidence.received', `Evidence “${d.name}” from ${d.originState} has arrived and matches its SHA-256 ${d.sha256}.`, await caseLink(tx, d));
    }
  });
}

/** A fetch given up (hash mismatch, or retried too long): the record fails with its reason, and officers are told. */
export async function recordEvidenceFailed(ctx: DomainContext, r: EvidenceRecord, reason: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    await tx.evidence.markFailed(r.id, reason, ctx.now());
    await notify(tx, ctx, 'officer', 'evidence.failed', `Evidence “${r.name}” from ${r.originState} could not be received: ${reason}`, await caseLink(tx, r));
  });
}

/**
 * The owner's side of a fetch: what a requesting peer may have. Refused unless this node holds
 * the content and has granted it to that peer.
 */
export async function evidenceForPeer(ctx: DomainContext, input: { sha256: string; requester: string }): Promise<{ size: number }> {
  const granted = await ctx.store.evidence.isGranted(input.sha256, input.requester);
  if (!granted) throw new DomainError('forbidden', 'evidence_not_granted', `${input.requester} has not been sent this evidence by ${ctx.self?.stateCode ?? 'this node'}.`);
  const records = await ctx.store.evidence.byHashes([input.sha256]);
  const r = records.find(held);
  if (!r) throw notFound('evidence_not_held', 'This node does not hold that content.');
  return { size: r.size };
}
