import { sql, type Kysely, type Selectable } from 'kysely';
import type { EvidenceRecord, EvidenceRepo } from '@parley/core';
import type { Database, EvidenceTable } from './schema.js';

type Db = Kysely<Database>;

const toEvidence = (r: Selectable<EvidenceTable>): EvidenceRecord => ({
  id: r.id,
  sha256: r.sha256,
  size: Number(r.size),
  name: r.name,
  mediaType: r.media_type,
  malware: r.malware,
  originState: r.origin_state,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  status: r.status,
  receivedBytes: Number(r.received_bytes),
  error: r.error,
  caseId: r.case_id,
  salt: r.salt,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
});

const PENDING = ['expected', 'transferring'] as const;

export function evidenceRepo(db: Db, queued: () => void = () => undefined): EvidenceRepo {
  return {
    async insert(e) {
      queued();
      await db
        .insertInto('evidence')
        .values({
          id: e.id,
          sha256: e.sha256,
          size: e.size,
          name: e.name,
          media_type: e.mediaType,
          malware: e.malware,
          origin_state: e.originState,
          uploaded_by: e.uploadedBy,
          created_at: e.createdAt,
          updated_at: e.updatedAt,
          status: e.status,
          received_bytes: e.receivedBytes,
          error: e.error,
          case_id: e.caseId,
          salt: e.salt,
          attempts: e.attempts,
          next_attempt_at: e.nextAttemptAt,
        })
        .execute();
    },
    async byId(id) {
      const r = await db.selectFrom('evidence').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toEvidence(r);
    },
    async byHashes(hashes) {
      if (hashes.length === 0) return [];
      return (await db.selectFrom('evidence').selectAll().where('sha256', 'in', [...hashes]).orderBy('created_at').orderBy('id').execute()).map(toEvidence);
    },
    async due(now, limit, busy) {
      let q = db.selectFrom('evidence').selectAll().where('status', 'in', [...PENDING]).where('next_attempt_at', '<=', now);
      if (busy.length) q = q.where('sha256', 'not in', [...busy]);
      return (await q.orderBy('next_attempt_at').orderBy('created_at').limit(limit).execute()).map(toEvidence);
    },
    async nextDue() {
      const r = await db.selectFrom('evidence').select((eb) => eb.fn.min('next_attempt_at').as('next')).where('status', 'in', [...PENDING]).executeTakeFirst();
      return r?.next ? new Date(r.next as Date) : undefined;
    },
    async setProgress(id, receivedBytes, at) {
      await db.updateTable('evidence').set({ received_bytes: receivedBytes, status: 'transferring', updated_at: at }).where('id', '=', id).where('status', 'in', [...PENDING]).execute();
    },
    async markRetry(id, attempts, next, error, at) {
      await db.updateTable('evidence').set({ attempts, next_attempt_at: next, error, updated_at: at }).where('id', '=', id).where('status', 'in', [...PENDING]).execute();
    },
    async markReceived(sha256, size, at) {
      const rows = await db
        .updateTable('evidence')
        .set({ status: 'received', received_bytes: size, error: null, next_attempt_at: null, updated_at: at })
        .where('sha256', '=', sha256)
        .where('size', '=', size)
        .where('status', 'in', [...PENDING])
        .returningAll()
        .execute();
      return rows.map(toEvidence);
    },
    async markFailed(id, error, at) {
      await db.updateTable('evidence').set({ status: 'failed', error, next_attempt_at: null, updated_at: at }).where('id', '=', id).execute();
    },
    async grant(sha256, recipient, at) {
      await db
        .insertInto('evidence_grants')
        .values({ sha256, recipient, granted_at: at })
        .onConflict((oc) => oc.columns(['sha256', 'recipient']).doNothing())
        .execute();
    },
    async isGranted(sha256, recipient) {
      const r = await db.selectFrom('evidence_grants').select(sql<number>`1`.as('one')).where('sha256', '=', sha256).where('recipient', '=', recipient).executeTakeFirst();
      return r !== undefined;
    },
    async revokeGrants(recipient) {
      const rows = await db.deleteFrom('evidence_grants').where('recipient', '=', recipient).returning('sha256').execute();
      return rows.map((r) => r.sha256).sort();
    },
    async grantCounts() {
      const rows = await db.selectFrom('evidence_grants').select(['recipient', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('recipient').execute();
      return new Map(rows.map((r) => [r.recipient, Number(r.n)]));
    },
  };
}
